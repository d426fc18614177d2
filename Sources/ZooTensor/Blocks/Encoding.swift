/// Encodes `count` float32 values at `input` as `type` at `out`; for a block type `count` is a whole number of
/// blocks. Float types round to nearest even; block types quantize with GGML's reference rounding, so a block is
/// bit for bit what llama.cpp's and the Python `gguf` package's quantizers write.
func encodeElements(_ input: UnsafePointer<Float>, count: Int, as type: DType, into out: UnsafeMutableRawPointer) {
    switch type {
    case .float32:
        out.copyMemory(from: input, byteCount: 4 * count)
    case .float16:
        for i in 0..<count { out.storeBytes(of: Float16(input[i]), toByteOffset: 2 * i, as: Float16.self) }
    case .bfloat16:
        for i in 0..<count { out.storeBytes(of: input[i].bfloat16Bits, toByteOffset: 2 * i, as: UInt16.self) }
    case .q8_0:
        for b in 0..<count / 32 { encodeQ8_0(input + 32 * b, into: out + 34 * b) }
    case .q4_0:
        for b in 0..<count / 32 { encodeQ4_0(input + 32 * b, into: out + 18 * b) }
    case .q4_1:
        for b in 0..<count / 32 { encodeQ4_1(input + 32 * b, into: out + 20 * b) }
    }
}

/// The reciprocal of a block scale, 0 for an all-zero block.
private func inverse(_ d: Float) -> Float { d == 0 ? 0 : 1 / d }

/// d = max |x| / 127, q = x · (1/d) rounded half away from zero.
private func encodeQ8_0(_ x: UnsafePointer<Float>, into block: UnsafeMutableRawPointer) {
    var largest: Float = 0
    for i in 0..<32 { largest = max(largest, abs(x[i])) }
    let d = largest / 127, id = inverse(d)
    block.storeBytes(of: Float16(d), as: Float16.self)
    for i in 0..<32 {
        let q = (x[i] * id).rounded()
        // Only non-finite input leaves [-127, 127]; clamping keeps it from trapping.
        block.storeBytes(of: q.isNaN ? 0 : Int8(max(-128, min(127, q))), toByteOffset: 2 + i, as: Int8.self)
    }
}

/// d = −m / 8 where m is the value of largest magnitude (the first such), q = x · (1/d) + 8.5 truncated, at most 15.
private func encodeQ4_0(_ x: UnsafePointer<Float>, into block: UnsafeMutableRawPointer) {
    var extreme: Float = 0
    for i in 0..<32 where abs(x[i]) > abs(extreme) { extreme = x[i] }
    let d = extreme / -8, id = inverse(d)
    block.storeBytes(of: Float16(d), as: Float16.self)
    storeNibbles(x, at: 2, block) { nibble($0 * id + 8.5) }
}

/// d = (max − min) / 15, m = min, q = (x − min) · (1/d) + 0.5 truncated, at most 15.
private func encodeQ4_1(_ x: UnsafePointer<Float>, into block: UnsafeMutableRawPointer) {
    var lowest = x[0], highest = x[0]
    for i in 1..<32 {
        lowest = min(lowest, x[i])
        highest = max(highest, x[i])
    }
    let d = (highest - lowest) / 15, id = inverse(d)
    block.storeBytes(of: Float16(d), as: Float16.self)
    block.storeBytes(of: Float16(lowest), toByteOffset: 2, as: Float16.self)
    storeNibbles(x, at: 4, block) { nibble(($0 - lowest) * id + 0.5) }
}

/// `value` truncated into 0...15 (NaN, which only non-finite input gives, becomes 0).
private func nibble(_ value: Float) -> UInt8 { value >= 15 ? 15 : value > 0 ? UInt8(value) : 0 }

/// Element i < 16 goes to the low nibble of byte i, element i + 16 to its high nibble.
@inline(__always)
private func storeNibbles(_ x: UnsafePointer<Float>, at offset: Int, _ block: UnsafeMutableRawPointer,
                          _ quantize: (Float) -> UInt8) {
    for i in 0..<16 {
        block.storeBytes(of: quantize(x[i]) | quantize(x[i + 16]) << 4, toByteOffset: offset + i, as: UInt8.self)
    }
}
