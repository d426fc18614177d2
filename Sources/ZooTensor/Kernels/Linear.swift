import COpenBLAS

/// `x · weightᵀ + bias` for `x` of shape [n, in] and `weight` of shape [out, in] (PyTorch's Linear layout).
/// Both go to BLAS: a matrix-vector product for one row, a matrix product otherwise.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1],
                 "linear: input \(x.shape) does not fit weight \(weight.shape)")
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    let result = Tensor(zeros: [rows, outputs])
    let out = result.mutableData
    var beta: Float = 0
    if let bias {
        precondition(bias.shape == [outputs], "linear: bias \(bias.shape) does not fit \(outputs) outputs")
        for r in 0..<rows { (out + r * outputs).update(from: bias.data, count: outputs) }
        beta = 1
    }
    if rows == 1 {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outputs), Int32(inputs), 1,
                    weight.data, Int32(inputs), x.data, 1, beta, out, 1)
    } else {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1,
                    x.data, Int32(inputs), weight.data, Int32(inputs), beta, out, Int32(outputs))
    }
    return result
}

/// `a += b`, elementwise, for tensors of the same shape.
public func addInPlace(_ a: Tensor, _ b: Tensor) {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    let out = a.mutableData, other = b.data
    for i in 0..<a.count { out[i] += other[i] }
}
