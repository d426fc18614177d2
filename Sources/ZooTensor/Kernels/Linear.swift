import COpenBLAS
import Dispatch

/// `x · weightᵀ + bias` for `x` of shape [n, in] and `weight` of shape [out, in] (PyTorch's Linear layout).
///
/// One row against a float weight (float32, float16, bfloat16) runs `floatVectorProduct`, a few rows (up to
/// `smallBatchRows`) `floatBatchProduct`. Otherwise a float32 weight goes to BLAS as a matrix product, and a 16-bit
/// weight runs `floatBatchProduct` on passes of `smallBatchRows` rows, reading the weight in its stored type once per
/// pass (a 128-token GPT-2 prompt with float16 weights took 235 ms, against 315 ms with tiles widened for BLAS).
/// A block-type weight is never expanded whole either: one row runs the fused dequantize-dot kernel
/// (`blockVectorProduct`), split across the cores; several rows, tiles of weight rows decoded into a small float32
/// buffer, one BLAS matrix product each.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1],
                 "linear: input \(x.shape) does not fit weight \(weight.shape)")
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    // The products add to `out`, which starts as the bias (copied into every row) or zeros.
    let result = bias == nil ? Tensor(zeros: [rows, outputs]) : Tensor(uninitialized: [rows, outputs])
    let out = result.mutableData
    if let bias {
        precondition(bias.shape == [outputs], "linear: bias \(bias.shape) does not fit \(outputs) outputs")
        for r in 0..<rows { (out + r * outputs).update(from: bias.data, count: outputs) }
    }
    let beta: Float = bias == nil ? 0 : 1
    if rows == 1 && !weight.dtype.isQuantized {
        floatVectorProduct(x.data, weight, out)
    } else if rows <= smallBatchRows && !weight.dtype.isQuantized {
        floatBatchProduct(x.data, rows: rows, weight, out)
    } else if weight.dtype == .float16 || weight.dtype == .bfloat16 {
        for first in stride(from: 0, to: rows, by: smallBatchRows) {
            let count = min(smallBatchRows, rows - first)
            if count == 1 {
                floatVectorProduct(x.data + first * inputs, weight, out + first * outputs)
            } else {
                floatBatchProduct(x.data + first * inputs, rows: count, weight, out + first * outputs)
            }
        }
    } else if weight.dtype == .float32 {
        floatProduct(x.data, weight.data, rows: rows, inputs: inputs, outputs: outputs, beta: beta, out)
    } else if rows == 1 && weight.dtype.isQuantized {
        blockVectorProduct(x.data, weight, out)
    } else {
        tiledProduct(x.data, weight, rows: rows, beta: beta, out)
    }
    return result
}

/// out = x · wᵀ + beta · out for x [rows, inputs] and w [outputs, inputs], float32; rows of `out` are
/// `outputStride` apart (a tile's columns within a wider result).
private func floatProduct(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows: Int, inputs: Int, outputs: Int,
                          beta: Float, _ out: UnsafeMutablePointer<Float>, outputStride: Int? = nil) {
    if rows == 1 {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outputs), Int32(inputs), 1, w, Int32(inputs), x, 1, beta, out, 1)
    } else {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1,
                    x, Int32(inputs), w, Int32(inputs), beta, out, Int32(outputStride ?? outputs))
    }
}

/// Elements of float32 weight decoded at a time: 1 MiB, which stays in a second-level cache of 2 MiB and is large
/// enough for BLAS to run at full speed (smaller tiles made many-row products up to 1.5 times slower).
private let tileElements = 256 * 1024

/// x · wᵀ + beta · out through tiles of decoded weight rows, for any weight type.
private func tiledProduct(_ x: UnsafePointer<Float>, _ weight: Tensor, rows: Int, beta: Float,
                          _ out: UnsafeMutablePointer<Float>) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let tileRows = max(1, min(outputs, tileElements / max(inputs, 1)))
    let rowBytes = weight.dtype.byteCount(elements: inputs)
    let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * inputs)
    defer { tile.deallocate() }
    for first in stride(from: 0, to: outputs, by: tileRows) {
        let count = min(tileRows, outputs - first)
        decodeElements(weight.rawPointer + first * rowBytes, weight.dtype, count: count * inputs, into: tile)
        floatProduct(x, tile, rows: rows, inputs: inputs, outputs: count, beta: beta, out + first,
                     outputStride: outputs)
    }
}

/// `a += b`, elementwise, for tensors of the same shape.
public func addInPlace(_ a: Tensor, _ b: Tensor) {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    let out = a.mutableData, other = b.data
    for i in 0..<a.count { out[i] += other[i] }
}
