/// The transpose of a 2-D float32 tensor, as a new tensor.
public func transposed(_ x: Tensor) -> Tensor {
    precondition(x.shape.count == 2, "transpose needs a 2-D tensor, not \(x.shape)")
    let rows = x.shape[0], columns = x.shape[1]
    let result = Tensor(zeros: [columns, rows])
    let input = x.data, out = result.mutableData
    for r in 0..<rows {
        for c in 0..<columns { out[c * rows + r] = input[r * columns + c] }
    }
    return result
}
