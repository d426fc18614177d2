import COpenBLAS
import Dispatch

/// `x · weightᵀ + bias` for `x` of shape [n, in] and `weight` of shape [out, in] (PyTorch's Linear layout).
///
/// A float32 weight with more than `smallBatchRows` rows goes to BLAS as a matrix product. Otherwise float weights
/// run in passes of up to `smallBatchRows` input rows: `floatVectorProduct` for one row, `floatBatchProduct` for
/// more, each reading the weight in its stored type once per pass (a 128-token GPT-2 prompt with float16 weights took
/// 235 ms this way, against 315 ms with tiles widened for BLAS). A block-type weight is never expanded whole either:
/// one row runs the fused dequantize-dot kernel (`blockVectorProduct`), several rows `blockBatchProduct`, which
/// decodes a few weight rows at a time.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1],
                 "linear: input \(x.shape) does not fit weight \(weight.shape)")
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    let result = linearOutput(rows: rows, outputs: outputs, bias: bias)
    let out = result.mutableData
    switch weight.dtype {
    case .float32 where rows > smallBatchRows:
        floatProduct(x.data, weight.data, rows: rows, inputs: inputs, outputs: outputs, beta: bias == nil ? 0 : 1, out)
    case .float32, .float16, .bfloat16:
        for first in stride(from: 0, to: rows, by: smallBatchRows) {
            let count = min(smallBatchRows, rows - first)
            if count == 1 {
                floatVectorProduct(x.data + first * inputs, weight, out + first * outputs)
            } else {
                floatBatchProduct(x.data + first * inputs, rows: count, weight, out + first * outputs)
            }
        }
    case .q8_0, .q4_0, .q4_1:
        if rows == 1 {
            blockVectorProduct(x.data, weight, out)
        } else {
            blockBatchProduct(x.data, rows: rows, weight, out)
        }
    }
    return result
}

/// The output of a linear layer before its products are added: the bias in every row, or zeros.
func linearOutput(rows: Int, outputs: Int, bias: Tensor?) -> Tensor {
    guard let bias else { return Tensor(zeros: [rows, outputs]) }
    precondition(bias.shape == [outputs], "linear: bias \(bias.shape) does not fit \(outputs) outputs")
    let result = Tensor(uninitialized: [rows, outputs])
    for r in 0..<rows { (result.mutableData + r * outputs).update(from: bias.data, count: outputs) }
    return result
}

/// out = x · wᵀ + beta · out for x [rows, inputs] and w [outputs, inputs], float32, by BLAS.
private func floatProduct(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows: Int, inputs: Int, outputs: Int,
                          beta: Float, _ out: UnsafeMutablePointer<Float>) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1,
                x, Int32(inputs), w, Int32(inputs), beta, out, Int32(outputs))
}

/// `a += b`, elementwise, for tensors of the same shape.
public func addInPlace(_ a: Tensor, _ b: Tensor) {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    let out = a.mutableData, other = b.data
    for i in 0..<a.count { out[i] += other[i] }
}
