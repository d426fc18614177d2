import CZooKernels

/// Block-type weights in `linear`: the fused dequantize-and-multiply matrix-vector product for one input row
/// (decode), split across the cores; for several rows (a prompt), tiles of weight rows decoded to float32 and
/// multiplied by BLAS. The C kernels (Sources/CZooKernels) run with AVX-512, AVX2 or portable code, as the CPU
/// allows, and keep float32 activations: results differ from the decoded weight's product only in summation order.
extension DType {
    var blockKernelType: zoo_block_type {
        switch self {
        case .q8_0: ZOO_BLOCK_Q8_0
        case .q4_0: ZOO_BLOCK_Q4_0
        case .q4_1: ZOO_BLOCK_Q4_1
        case .float32, .float16, .bfloat16: preconditionFailure("\(rawValue) is not a block type")
        }
    }
}

/// Rows per parallel range: a few cache lines of output, never fewer rows than make the hand-over worth it.
private let rowGranularity = 16
/// Weight bytes below which one core does the whole product: less than this is a few microseconds of work.
private let parallelWeightBytes = 128 * 1024

/// out[o] += Σᵢ x[i]·weight[o, i] for one input row and a block-type weight [outputs, inputs].
func blockVectorProduct(_ x: UnsafePointer<Float>, _ weight: Tensor, _ out: UnsafeMutablePointer<Float>) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let type = weight.dtype.blockKernelType
    let rowBytes = weight.dtype.byteCount(elements: inputs), blocks = Int32(inputs / 32)
    let base = weight.rawPointer
    let minimum = max(rowGranularity, outputs * parallelWeightBytes / max(weight.byteCount, 1))
    Parallel.forRanges(outputs, granularity: rowGranularity, minimum: minimum) { rows in
        zoo_block_matvec(type, base, rowBytes, blocks, x, out, Int32(rows.lowerBound), Int32(rows.upperBound))
    }
}

/// Decodes `blocks` whole blocks of `type` at `source` into float32.
func decodeBlocks(_ source: UnsafeRawPointer, _ type: DType, blocks: Int, into out: UnsafeMutablePointer<Float>) {
    zoo_block_decode(type.blockKernelType, source, blocks, out)
}
