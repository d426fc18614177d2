/// Decodes `count` elements of `type` at `source` into float32 at `out`; for a block type `count` is a whole number
/// of blocks. Block layouts: see `DType`.
func decodeElements(_ source: UnsafeRawPointer, _ type: DType, count: Int, into out: UnsafeMutablePointer<Float>) {
    switch type {
    case .float32:
        out.update(from: source.assumingMemoryBound(to: Float.self), count: count)
    case .float16:
        for i in 0..<count { out[i] = loadHalf(source, 2 * i) }
    case .bfloat16:
        for i in 0..<count {
            out[i] = Float(bfloat16Bits: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        }
    case .q8_0, .q4_0, .q4_1:
        decodeBlocks(source, type, blocks: count / 32, into: out)
    }
}

/// The float16 at `offset`, widened exactly. Shifting its exponent and mantissa into float32's fields and scaling by
/// 2¹¹² (the difference of the exponent biases) gives normal and subnormal values; only infinity and NaN, whose
/// exponent is all ones, need their exponent set. Several times faster than `Float(Float16)`, which on x86-64
/// without F16C calls a conversion routine.
@inline(__always) func loadHalf(_ pointer: UnsafeRawPointer, _ offset: Int) -> Float {
    let half = UInt32(pointer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    let magnitude = (half & 0x7FFF) << 13
    var value = Float(bitPattern: magnitude) * 0x1p112
    if magnitude >= 0x0F80_0000 { value = Float(bitPattern: magnitude | 0x7F80_0000) }
    return Float(bitPattern: value.bitPattern | (half & 0x8000) << 16)
}
