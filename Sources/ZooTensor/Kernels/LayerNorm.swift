import CZooFloat

/// Layer normalisation over the last dimension of `x` ([n, d]): (x − mean) / sqrt(var + eps) · weight + bias,
/// with the biased variance, as torch.nn.LayerNorm computes it. Rows are split across the cores when there are many.
public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, epsilon: Float) -> Tensor {
    let result = Tensor(uninitialized: x.shape)
    layerNorm(x, weight: weight, bias: bias, epsilon: epsilon, into: result)
    return result
}

/// `layerNorm(x, weight:, bias:, epsilon:)` written into `out`, of x's shape (which may be `x` itself: each row's
/// statistics are taken before it is written).
public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, epsilon: Float, into out: Tensor) {
    let width = x.shape[x.shape.count - 1]
    let rows = x.count / width
    precondition(weight.shape.count == 1 && weight.count == width,
                 "layer norm: weight \(weight.shape) does not fit width \(width)")
    precondition(bias.map { $0.shape.count == 1 && $0.count == width } ?? true,
                 "layer norm: bias does not fit width \(width)")
    precondition(out.count == x.count, "layer norm: output \(out.shape) does not fit input \(x.shape)")
    let input = x.data, target = out.mutableData, gamma = weight.data
    let beta = bias?.data
    Parallel.forRanges(rows, minimum: max(1, 32_768 / width)) { range in
        for r in range { zoo_layer_norm(input + r * width, gamma, beta, epsilon, width, target + r * width) }
    }
}
