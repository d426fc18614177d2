import COpenBLAS
import Dispatch

/// `x · weightᵀ + bias` for `x` of shape [n, in] and `weight` of shape [out, in] (PyTorch's Linear layout).
///
/// One input row runs a matrix-vector kernel that reads the weight in its stored type: `floatVectorProduct`, or for a
/// block type the fused dequantize-dot kernel (`blockVectorProduct`). Up to `smallBatchRows` rows of a float weight
/// run `floatBatchProduct`, which also reads the weight once in its stored type. More rows run `batchProduct`, which
/// keeps a few weight rows at a time in the second-level cache (decoded there unless float32) while every input row
/// passes over them, except that more than `passedRows` rows of a float32 weight go to BLAS's matrix product.
/// Several rows against a bfloat16 weight marked for bfloat16 activations run `bfloat16Product`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let result = Tensor(uninitialized: [x.shape[0], weight.shape[0]])
    linear(x, weight: weight, bias: bias, into: result)
    return result
}

/// `linear(x, weight:, bias:)` written into `out` ([n, out]), which a forward pass keeps from one step to the next
/// so that decode allocates nothing.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, into result: Tensor) {
    precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1],
                 "linear: input \(x.shape) does not fit weight \(weight.shape)")
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    if rows > 1 && weight.dtype == .bfloat16 && weight.activations == .bfloat16 {
        return bfloat16Product(x, weight, bias: bias, into: result)
    }
    let out = result.mutableData
    let blockType = weight.dtype.isQuantized
    let blas = weight.dtype == .float32 && rows > passedRows
    if rows == 1 || blas {
        fillWithBias(result, rows: rows, outputs: outputs, bias: bias)
    } else {
        // The small-batch products write the bias with their sums.
        checkShapes(result, rows: rows, outputs: outputs, bias: bias)
    }
    if rows == 1 {
        if blockType {
            withUnsafePointer(to: weight) { weight in
                withUnsafePointer(to: out) { out in
                    blockVectorProducts(x.data, UnsafeBufferPointer(start: weight, count: 1),
                                        UnsafeBufferPointer(start: out, count: 1))
                }
            }
        } else {
            floatVectorProduct(x.data, weight, out)
        }
    } else if rows <= smallBatchRows && !blockType {
        floatBatchProduct(x.data, rows: rows, weight, bias: bias?.data, out)
    } else if blas {
        floatProduct(x.data, weight.data, rows: rows, inputs: inputs, outputs: outputs, beta: bias == nil ? 0 : 1, out)
    } else {
        batchProduct(x.data, rows: rows, weight, bias: bias?.data, out)
    }
}

/// Checks that `out` is [rows, outputs] and `bias`, if any, [outputs].
func checkShapes(_ out: Tensor, rows: Int, outputs: Int, bias: Tensor?) {
    precondition(out.shape == [rows, outputs], "linear: output \(out.shape) is not [\(rows), \(outputs)]")
    if let bias {
        precondition(bias.shape == [outputs], "linear: bias \(bias.shape) does not fit \(outputs) outputs")
    }
}

/// Sets `out` ([rows, outputs]) to what a linear layer's products are added to: the bias in every row, or zeros.
func fillWithBias(_ out: Tensor, rows: Int, outputs: Int, bias: Tensor?) {
    checkShapes(out, rows: rows, outputs: outputs, bias: bias)
    let target = out.mutableData
    guard let bias else { return target.update(repeating: 0, count: rows * outputs) }
    for r in 0..<rows { (target + r * outputs).update(from: bias.data, count: outputs) }
}

/// Output columns per BLAS call of `floatProduct`, at least: a part repacks the input rows, so parts stay few (a
/// BERT-base 8×128 forward took 15% longer in four parts per thread than in one).
private let blasColumnsPerPart = 256

/// out = x · wᵀ + beta · out for x [rows, inputs] and w [outputs, inputs], float32, by BLAS's matrix product run
/// single-threaded on ranges of output columns split across Zoo's threads (see `zoo_openblas_single_threaded`).
private func floatProduct(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows: Int, inputs: Int, outputs: Int,
                          beta: Float, _ out: UnsafeMutablePointer<Float>) {
    // One range per thread: ranges are at least `minimum` columns long, and outputs / threads (in whole 16-column
    // units) is the longest minimum that still gives every thread one.
    let minimum = max(blasColumnsPerPart, outputs / Parallel.threadCount / 16 * 16)
    Parallel.forRanges(outputs, granularity: 16, minimum: minimum) { columns in
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns.count), Int32(inputs), 1,
                    x, Int32(inputs), w + columns.lowerBound * inputs, Int32(inputs), beta,
                    out + columns.lowerBound, Int32(outputs))
    }
}

/// `a += b`, elementwise, for tensors of the same shape.
public func addInPlace(_ a: Tensor, _ b: Tensor) {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    let out = a.mutableData, other = b.data
    for i in 0..<a.count { out[i] += other[i] }
}
