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
    case .q8_0:
        for b in 0..<count / 32 { decodeQ8_0(source + 34 * b, into: out + 32 * b) }
    case .q4_0:
        for b in 0..<count / 32 { decodeQ4_0(source + 18 * b, into: out + 32 * b) }
    case .q4_1:
        for b in 0..<count / 32 { decodeQ4_1(source + 20 * b, into: out + 32 * b) }
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

/// 16 signed bytes at `offset` as floats.
@inline(__always) private func loadInt8s(_ pointer: UnsafeRawPointer, _ offset: Int) -> SIMD16<Float> {
    SIMD16<Float>(pointer.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int8>.self))
}

/// The 32 nibbles of a q4 block (16 bytes at `offset`) as floats: the low nibbles are elements 0–15, the high
/// nibbles 16–31. A nibble q becomes the float 2²³ + q by placing it in the mantissa of 2²³, then q by subtracting
/// 2²³: cheaper than an integer-to-float conversion.
@inline(__always)
private func nibbles(_ pointer: UnsafeRawPointer, at offset: Int) -> (low: SIMD16<Float>, high: SIMD16<Float>) {
    let packed = pointer.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
    let bytes = SIMD16<UInt32>(truncatingIfNeeded: packed)
    let twoTo23 = SIMD16<UInt32>(repeating: 0x4B00_0000)
    return (unsafeBitCast(bytes & 0x0F | twoTo23, to: SIMD16<Float>.self) - 0x1p23,
            unsafeBitCast(bytes &>> 4 | twoTo23, to: SIMD16<Float>.self) - 0x1p23)
}

@inline(__always) private func store(_ values: SIMD16<Float>, _ out: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(out).storeBytes(of: values, as: SIMD16<Float>.self)
}

@inline(__always) private func decodeQ8_0(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
    let d = loadHalf(block, 0)
    store(loadInt8s(block, 2) * d, out)
    store(loadInt8s(block, 18) * d, out + 16)
}

@inline(__always) private func decodeQ4_0(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
    let d = loadHalf(block, 0)
    let (low, high) = nibbles(block, at: 2)
    store((low - 8) * d, out)
    store((high - 8) * d, out + 16)
}

@inline(__always) private func decodeQ4_1(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
    let d = loadHalf(block, 0), m = loadHalf(block, 2)
    let (low, high) = nibbles(block, at: 4)
    store(low * d + m, out)
    store(high * d + m, out + 16)
}
