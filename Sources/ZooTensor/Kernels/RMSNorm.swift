/// Root-mean-square normalisation over the last dimension of `x` ([n, d]): x / sqrt(mean(x²) + eps) · weight, as
/// Llama's RMSNorm computes it (no mean subtracted, no bias).
public func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float) -> Tensor {
    let width = x.shape[x.shape.count - 1]
    let rows = x.count / width
    precondition(weight.shape == [width], "RMS norm: weight \(weight.shape) does not fit width \(width)")
    let result = Tensor(zeros: x.shape)
    let input = x.data, out = result.mutableData, gamma = weight.data
    for r in 0..<rows {
        let row = input + r * width, target = out + r * width
        var squares: Float = 0
        for i in 0..<width { squares += row[i] * row[i] }
        let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
        for i in 0..<width { target[i] = gamma[i] * (row[i] * inverse) }
    }
    return result
}
