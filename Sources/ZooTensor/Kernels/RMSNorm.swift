/// Root-mean-square normalisation over the last dimension of `x` ([n, d]): x / sqrt(mean(x²) + eps) · weight, as
/// Llama's RMSNorm computes it (no mean subtracted, no bias).
public func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float) -> Tensor {
    let result = Tensor(uninitialized: x.shape)
    rmsNorm(x, weight: weight, epsilon: epsilon, into: result)
    return result
}

/// `rmsNorm(x, weight:, epsilon:)` written into `out`, of x's shape.
public func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float, into out: Tensor) {
    let width = x.shape[x.shape.count - 1]
    let rows = x.count / width
    precondition(weight.shape.count == 1 && weight.count == width,
                 "RMS norm: weight \(weight.shape) does not fit width \(width)")
    precondition(out.count == x.count, "RMS norm: output \(out.shape) does not fit input \(x.shape)")
    let input = x.data, target = out.mutableData, gamma = weight.data
    for r in 0..<rows {
        let row = input + r * width, result = target + r * width
        var squares: Float = 0
        for i in 0..<width { squares += row[i] * row[i] }
        let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
        for i in 0..<width { result[i] = gamma[i] * (row[i] * inverse) }
    }
}
