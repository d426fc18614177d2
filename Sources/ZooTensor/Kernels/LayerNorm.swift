/// Layer normalisation over the last dimension of `x` ([n, d]): (x − mean) / sqrt(var + eps) · weight + bias,
/// with the biased variance, as torch.nn.LayerNorm computes it.
public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, epsilon: Float) -> Tensor {
    let width = x.shape[x.shape.count - 1]
    let rows = x.count / width
    precondition(weight.shape == [width], "layer norm: weight \(weight.shape) does not fit width \(width)")
    let result = Tensor(zeros: x.shape)
    let input = x.data, out = result.mutableData, gamma = weight.data
    let beta = bias?.data
    for r in 0..<rows {
        let row = input + r * width, target = out + r * width
        var sum: Float = 0
        for i in 0..<width { sum += row[i] }
        let mean = sum / Float(width)
        var squares: Float = 0
        for i in 0..<width {
            let centered = row[i] - mean
            squares += centered * centered
        }
        let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
        for i in 0..<width {
            target[i] = (row[i] - mean) * inverse * gamma[i] + (beta?[i] ?? 0)
        }
    }
    return result
}
