import CZooFloat

/// Decodes `count` elements of `type` at `source` into float32 at `out`; for a block type `count` is a whole number
/// of blocks. Block layouts: see `DType`.
func decodeElements(_ source: UnsafeRawPointer, _ type: DType, count: Int, into out: UnsafeMutablePointer<Float>) {
    switch type {
    case .float32:
        out.update(from: source.assumingMemoryBound(to: Float.self), count: count)
    case .float16:
        zoo_widen(ZOO_WEIGHT_F16, source, count, out)
    case .bfloat16:
        zoo_widen(ZOO_WEIGHT_BF16, source, count, out)
    case .q8_0, .q4_0, .q4_1:
        decodeBlocks(source, type, blocks: count / 32, into: out)
    }
}
