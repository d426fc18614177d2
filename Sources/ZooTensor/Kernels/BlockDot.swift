import CZooFloat
import CZooKernels

/// Block-type weights in `linear`: the fused dequantize-and-multiply matrix-vector product for one input row
/// (decode), split across the cores; for several rows (a prompt), `batchProduct`. The C kernels
/// (Sources/CZooKernels) run with AVX-512, AVX2 or portable code, as the CPU allows, and keep float32 activations:
/// results differ from the decoded weight's product only in summation order.
/// A weight marked for int8 activations runs one-row products with llama.cpp's arithmetic instead: the input row
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

/// outs[k][o] += Σᵢ x[i]·weights[k][o, i] for one input row and block-type weights of the same input width, in one
/// parallel loop over all their rows (one hand-over to the other cores instead of one per matrix). With int8
/// activations (all the weights marked alike) the row is quantized once, on the stack, and shared. The weights and
/// outputs come as buffers so that callers pass them from the stack, allocating nothing.
func blockVectorProducts(_ x: UnsafePointer<Float>, _ weights: UnsafeBufferPointer<Tensor>,
                         _ outs: UnsafeBufferPointer<UnsafeMutablePointer<Float>>) {
    let inputs = weights[0].shape[1], int8 = weights[0].activations == .int8
    precondition(weights.allSatisfy { $0.dtype.isQuantized && $0.shape[1] == inputs
                                      && $0.activations == weights[0].activations },
                 "block products sharing an input need block-type weights of one input width, marked alike")
    let blocks = Int32(inputs / 32)
    let total = weights.reduce(0) { $0 + $1.shape[0] }
    let bytes = weights.reduce(0) { $0 + $1.byteCount }
    let minimum = max(rowGranularity, total * parallelWeightBytes / max(bytes, 1))
    var product = BlockProduct(
        loop: BlockProductRows(x: x, quantized: nil, weights: weights, outs: outs, inputs: inputs), total: total,
        minimum: minimum)
    guard int8 else { return product.run() }
    withUnsafeMutablePointer(to: &product) { product in
        zoo_q8_with_quantized(x, blocks, { context, quantized in
            let product = context!.assumingMemoryBound(to: BlockProduct.self)
            product.pointee.loop.quantized = quantized
            product.pointee.run()
        }, product)
    }
}

/// The parallel loop of `blockVectorProducts`, kept in one value so that it can pass through C (which quantizes
/// the row on its stack) and back.
private struct BlockProduct {
    var loop: BlockProductRows
    let total, minimum: Int

    func run() { Parallel.forRanges(total, granularity: rowGranularity, minimum: minimum, streams: true, loop) }
}

/// A range of the rows of all the weights of `blockVectorProducts`, with the input row as floats (`x`) or, when
/// given, quantized.
private struct BlockProductRows: RangeLoop {
    let x: UnsafePointer<Float>
    var quantized: UnsafeRawPointer?
    let weights: UnsafeBufferPointer<Tensor>, outs: UnsafeBufferPointer<UnsafeMutablePointer<Float>>
    let inputs: Int

    func callAsFunction(_ rows: Range<Int>) {
        let blocks = Int32(inputs / 32)
        var start = 0
        for (weight, out) in zip(weights, outs) {
            let count = weight.shape[0]
            let first = max(rows.lowerBound - start, 0), end = min(rows.upperBound - start, count)
            start += count
            guard first < end else { continue }
            let type = weight.dtype.blockKernelType, rowBytes = weight.dtype.byteCount(elements: inputs)
            if let quantized {
                zoo_q8_matvec(type, weight.rawPointer, rowBytes, blocks, quantized, out, Int32(first), Int32(end))
            } else {
                zoo_block_matvec(type, weight.rawPointer, rowBytes, blocks, x, out, Int32(first), Int32(end))
            }
        }
    }
}

/// Decodes `blocks` whole blocks of `type` at `source` into float32.
func decodeBlocks(_ source: UnsafeRawPointer, _ type: DType, blocks: Int, into out: UnsafeMutablePointer<Float>) {
    zoo_block_decode(type.blockKernelType, source, blocks, out)
}
