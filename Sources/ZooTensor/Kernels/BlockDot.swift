import CZooFloat
import CZooKernels

/// Block-type weights in `linear`: the fused dequantize-and-multiply matrix-vector product for one input row
/// (decode), split across the cores; for several rows (a prompt), `decodedBatchProduct`. The C kernels (Sources/CZooKernels) run with AVX-512, AVX2 or portable code, as the CPU
/// allows, and keep float32 activations: results differ from the decoded weight's product only in summation order.
/// A weight marked `int8Activations` runs one-row products with llama.cpp's arithmetic instead: the input row
/// quantized to int8 per block and integer block dot products (int8_activation_kernels.c).
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
/// Weight bytes of the shortest range a core takes: about 2.5 µs of q4_1 work, several times the hand-over. At
/// 128 KB, SmolLM2's attention output projection (207 KB) ran on one core while the other waited.
private let parallelWeightBytes = 32 * 1024

/// out[o] += Σᵢ x[i]·weight[o, i] for one input row and a block-type weight [outputs, inputs].
func blockVectorProduct(_ x: UnsafePointer<Float>, _ weight: Tensor, _ out: UnsafeMutablePointer<Float>) {
    blockVectorProducts(x, [weight], [out])
}

/// outs[k][o] += Σᵢ x[i]·weights[k][o, i] for one input row and block-type weights of the same input width, in one
/// parallel loop over all their rows (one hand-over to the other cores instead of one per matrix). With int8
/// activations (all the weights marked alike) the row is quantized once, on the stack, and shared.
func blockVectorProducts(_ x: UnsafePointer<Float>, _ weights: [Tensor], _ outs: [UnsafeMutablePointer<Float>]) {
    let inputs = weights[0].shape[1], int8 = weights[0].int8Activations
    precondition(weights.allSatisfy { $0.dtype.isQuantized && $0.shape[1] == inputs && $0.int8Activations == int8 },
                 "block products sharing an input need block-type weights of one input width, marked alike")
    let blocks = Int32(inputs / 32)
    let total = weights.reduce(0) { $0 + $1.shape[0] }
    let bytes = weights.reduce(0) { $0 + $1.byteCount }
    let minimum = max(rowGranularity, total * parallelWeightBytes / max(bytes, 1))
    func run(_ quantized: UnsafeRawPointer?) {
        Parallel.forRanges(total, granularity: rowGranularity, minimum: minimum) { rows in
            var start = 0
            for (k, weight) in weights.enumerated() {
                let count = weight.shape[0]
                let first = max(rows.lowerBound - start, 0), end = min(rows.upperBound - start, count)
                start += count
                guard first < end else { continue }
                let type = weight.dtype.blockKernelType, rowBytes = weight.dtype.byteCount(elements: inputs)
                if let quantized {
                    zoo_q8_matvec(type, weight.rawPointer, rowBytes, blocks, quantized, outs[k], Int32(first), Int32(end))
                } else {
                    zoo_block_matvec(type, weight.rawPointer, rowBytes, blocks, x, outs[k], Int32(first), Int32(end))
                }
            }
        }
    }
    guard int8 else { return run(nil) }
    withUnsafeTemporaryAllocation(byteCount: zoo_q8_activation_bytes(blocks), alignment: 64) { buffer in
        zoo_q8_quantize(x, blocks, buffer.baseAddress!)
        run(UnsafeRawPointer(buffer.baseAddress!))
    }
}

/// Decodes `blocks` whole blocks of `type` at `source` into float32.
func decodeBlocks(_ source: UnsafeRawPointer, _ type: DType, blocks: Int, into out: UnsafeMutablePointer<Float>) {
    zoo_block_decode(type.blockKernelType, source, blocks, out)
}
