/// Dot products of one float32 vector with rows of quantized blocks, dequantizing as they go: the decode-time
/// matrix-vector product, which reads each weight byte once and never materialises float weights.
///
/// Two rearrangements make it fast with the SSE2 vectors Swift compiles to on x86-64:
/// - The scale and offset of a block factor out of its 32 products, so a block costs one multiply by its scale; the
///   q4 offsets (q4_1's m, q4_0's −8·d) multiply the sum of the block's 32 inputs, computed once per vector.
/// - 16 quant bytes are loaded as four 32-bit lanes and taken apart with shifts: byte k of every lane gives the
///   quants of elements 4j + k (j = 0…3). The input is stored with each 16-element group transposed as a 4×4
///   matrix, so that those elements' inputs are contiguous. This keeps every step a plain 4-lane operation.
struct BlockDot: @unchecked Sendable {  // reads its own arrays only
    let type: DType
    /// The input, each 16-element group transposed (element 4j + k at position 4k + j).
    private let transposed: [Float]
    /// The sum of each 32-element block of the input.
    private let blockSums: [Float]

    init(type: DType, x: UnsafePointer<Float>, inputs: Int) {
        precondition(type.isQuantized && inputs % 32 == 0)
        self.type = type
        transposed = [Float](unsafeUninitializedCapacity: inputs) { buffer, initialized in
            for group in stride(from: 0, to: inputs, by: 16) {
                for j in 0..<4 {
                    for k in 0..<4 { buffer[group + 4 * k + j] = x[group + 4 * j + k] }
                }
            }
            initialized = inputs
        }
        blockSums = (0..<inputs / 32).map { b in
            UnsafeRawPointer(x + 32 * b).loadUnaligned(as: SIMD32<Float>.self).sum()
        }
    }

    /// out[r] = Σ_i x[i] · row r of `weight`, for the `count` rows starting at `first`.
    func run(_ weight: UnsafeRawPointer, rowBytes: Int, first: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        let blocks = blockSums.count, rows = first..<(first + count)
        transposed.withUnsafeBufferPointer { x in
            blockSums.withUnsafeBufferPointer { sums in
                let x = x.baseAddress!, sums = sums.baseAddress!
                switch type {
                case .q8_0: for r in rows { out[r] = Self.dotQ8_0(weight + r * rowBytes, blocks, x) }
                case .q4_0: for r in rows { out[r] = Self.dotQ4(weight + r * rowBytes, blocks, x, sums, minimum: false) }
                case .q4_1: for r in rows { out[r] = Self.dotQ4(weight + r * rowBytes, blocks, x, sums, minimum: true) }
                case .float32, .float16, .bfloat16: preconditionFailure("not a block type")
                }
            }
        }
    }

    @inline(__always) private static func input4(_ x: UnsafePointer<Float>, _ offset: Int) -> SIMD4<Float> {
        UnsafeRawPointer(x + offset).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always) private static func dotQ8_0(_ row: UnsafeRawPointer, _ blocks: Int,
                                                  _ x: UnsafePointer<Float>) -> Float {
        var total = SIMD4<Float>()
        for b in 0..<blocks {
            let block = row + b &* 34, inputs = x + b &* 32
            var products = SIMD4<Float>()
            for half in 0..<2 {
                let lanes = block.loadUnaligned(fromByteOffset: 2 &+ 16 &* half, as: SIMD4<Int32>.self)
                for k in 0..<4 {
                    // Byte k of each lane, sign-extended: shifted to the top, then arithmetically back down.
                    let quants = SIMD4<Float>((lanes &<< Int32(24 - 8 * k)) &>> 24)
                    products += quants * input4(inputs, 16 &* half &+ 4 &* k)
                }
            }
            total += products * loadHalf(block, 0)
        }
        return total.sum()
    }

    /// q4_1: Σ (d·q + m)·x = d·Σ q·x + m·Σ x; q4_0: Σ d·(q − 8)·x = d·Σ q·x − 8·d·Σ x.
    @inline(__always) private static func dotQ4(_ row: UnsafeRawPointer, _ blocks: Int, _ x: UnsafePointer<Float>,
                                                _ sums: UnsafePointer<Float>, minimum: Bool) -> Float {
        let blockBytes = minimum ? 20 : 18, quants = minimum ? 4 : 2
        var total = SIMD4<Float>()
        var offsets: Float = 0
        for b in 0..<blocks {
            let block = row + b &* blockBytes, inputs = x + b &* 32
            let lanes = block.loadUnaligned(fromByteOffset: quants, as: SIMD4<Int32>.self)
            var low = SIMD4<Float>(), high = SIMD4<Float>()
            for k in 0..<4 {
                let bytes = lanes &>> Int32(8 * k)
                low += SIMD4<Float>(bytes & 0x0F) * input4(inputs, 4 &* k)
                high += SIMD4<Float>(bytes &>> 4 & 0x0F) * input4(inputs, 16 &+ 4 &* k)
            }
            let d = loadHalf(block, 0)
            total += (low + high) * d
            offsets += (minimum ? loadHalf(block, 2) : -8 * d) * sums[b]
        }
        return total.sum() + offsets
    }
}
