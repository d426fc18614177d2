import CZooKernels
import Foundation
import Testing
import ZooTensor

/// A weight of random blocks: random quants, and scales (and q4_1 minimums) of ±1/64 to ±1/16.
func randomBlocks(_ outputs: Int, _ inputs: Int, _ type: DType, seed: UInt64) -> Tensor {
    let count = type.byteCount(elements: outputs * inputs)
    let storage = Storage(byteCount: count)
    var state = seed
    for i in 0..<count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        storage.base.storeBytes(of: UInt8(truncatingIfNeeded: state >> 33), toByteOffset: i, as: UInt8.self)
    }
    for block in stride(from: 0, to: count, by: type.blockByteSize) {
        let scales = type == .q4_1 ? 2 : 1
        for s in 0..<scales {
            let random = storage.base.load(fromByteOffset: block + 2 * s, as: UInt16.self)
            let scale = Float16(Float(random % 64 + 16) / 1024 * (random & 0x8000 == 0 ? 1 : -1))
            storage.base.storeBytes(of: scale, toByteOffset: block + 2 * s, as: Float16.self)
        }
    }
    return Tensor(shape: [outputs, inputs], dtype: type, storage: storage)
}

/// `linear` with a weight that is not float32 against the same product over the weight decoded to float32 (BLAS).
/// The results differ only by float32 rounding in another summation order: the tolerance is 2e-6 · Σᵢ |xᵢ wᵢ| per
/// output, about 30 float32 ulps of that magnitude (the largest difference measured over 576×1536 and 1536×576
/// weights of every type, one and seven rows, is 1.4e-7 · Σᵢ |xᵢ wᵢ|).
func expectMatchesDecodedWeight(rows: Int, weight: Tensor, bias: Bool = true,
                                sourceLocation: SourceLocation = #_sourceLocation) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let x = Tensor(shape: [rows, inputs], values: values(rows * inputs, seed: 21))
    let b = bias ? Tensor(shape: [outputs], values: values(outputs, seed: 23)) : nil
    let decoded = weight.float32()
    let y = linear(x, weight: weight, bias: b).toArray()
    let expected = linear(x, weight: decoded, bias: b).toArray()
    let magnitudes = linear(Tensor(shape: x.shape, values: x.toArray().map(abs)),
                            weight: Tensor(shape: decoded.shape, values: decoded.toArray().map(abs))).toArray()
    for r in 0..<rows {
        for o in 0..<outputs {
            let difference = abs(y[r * outputs + o] - expected[r * outputs + o])
            #expect(difference <= 2e-6 * magnitudes[r * outputs + o], "row \(r) output \(o)", sourceLocation: sourceLocation)
        }
    }
}

func quantizedWeight(_ outputs: Int, _ inputs: Int, _ type: DType) -> Tensor {
    Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 22)).converted(to: type)
}

@Suite struct BlockLinearTests {
    static let types: [DType] = DType.quantized + [.float16, .bfloat16]

    /// One row, a few, and more rows than one pass of the small-batch product takes (33: a last pass of one row).
    @Test(arguments: types, [1, 3, 33])
    func matchesTheDecodedFloatProduct(type: DType, rows: Int) {
        expectMatchesDecodedWeight(rows: rows, weight: quantizedWeight(37, 128, type))
        expectMatchesDecodedWeight(rows: rows, weight: quantizedWeight(1, 32, type), bias: false)
    }

    /// Large enough to split one row's product across two cores, and many rows' product into several decoded parts
    /// (48 weight rows of 1024 each) and passes of 16 input rows.
    @Test(arguments: DType.quantized)
    func largeWeightsSplitAcrossCoresAndParts(type: DType) {
        let weight = randomBlocks(600, 1024, type, seed: 7)
        #expect(weight.byteCount > 256 * 1024)
        for rows in [1, 4, 37] { expectMatchesDecodedWeight(rows: rows, weight: weight) }
    }
}

/// Every instruction-set version of the C block kernels (portable, AVX2, AVX-512: those this CPU runs) against the
/// straightforward reference: each block dequantized by the formula of Formats/zoo-checkpoint-v1.md 3.4.1, written
/// out here in Swift, then a dot product summed in Double.
@Suite struct BlockKernelInstructionSetTests {
    static let instructionSets: [zoo_isa] = {
        let best = zoo_kernels_isa()
        let all = [ZOO_ISA_PORTABLE, ZOO_ISA_AVX2, ZOO_ISA_AVX512]
        let usable = all.filter { $0.rawValue <= best.rawValue }
        if usable.count < all.count {
            FileHandle.standardError.write(Data("BlockKernelInstructionSetTests: this CPU (or ZOO_KERNELS_ISA) runs only \(usable.map(\.rawValue)) of 0 portable, 1 AVX2, 2 AVX-512: the others are not tested here\n".utf8))
        }
        return usable
    }()

    /// The block's 32 elements by the format's definition: d·q, d·(n − 8), d·n + m.
    static func referenceDecode(_ block: UnsafeRawPointer, _ type: DType) -> [Float] {
        func half(_ offset: Int) -> Float { Float(block.loadUnaligned(fromByteOffset: offset, as: Float16.self)) }
        func nibble(_ base: Int, _ i: Int) -> Float {
            let byte = block.load(fromByteOffset: base + i % 16, as: UInt8.self)
            return Float(i < 16 ? byte & 0x0F : byte >> 4)
        }
        let d = half(0)
        return (0..<32).map { i in
            switch type {
            case .q8_0: d * Float(block.load(fromByteOffset: 2 + i, as: Int8.self))
            case .q4_0: d * (nibble(2, i) - 8)
            case .q4_1: d * nibble(4, i) + half(2)
            case .float32, .float16, .bfloat16: .nan
            }
        }
    }

    static func referenceRows(_ weight: Tensor) -> [[Float]] {
        let outputs = weight.shape[0], blocks = weight.shape[1] / 32, size = weight.dtype.blockByteSize
        return (0..<outputs).map { r in
            (0..<blocks).flatMap { b in referenceDecode(weight.rawPointer + (r * blocks + b) * size, weight.dtype) }
        }
    }

    /// 37 rows of 7 blocks (an odd count: the unrolled loops' tail runs too), products added to a non-zero `y`.
    /// Tolerance: 1e-6 · Σᵢ |xᵢ wᵢ| + 1e-6 · |y₀|, float32 rounding in another summation order of 224 products
    /// (each step rounds by at most 2⁻²⁴ of the running magnitude).
    @Test(arguments: DType.quantized)
    func matrixVectorProductMatchesTheReference(type: DType) {
        let weight = randomBlocks(37, 224, type, seed: 11)
        let rows = Self.referenceRows(weight)
        let x = values(224, seed: 12)
        let initial = values(37, seed: 13)
        for isa in Self.instructionSets {
            var y = initial
            // Two ranges of rows, as the threads split them.
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    for (first, end) in [(0, 20), (20, 37)] {
                        zoo_block_matvec_isa(isa, weight.dtype.blockKernelTypeForTests, weight.rawPointer,
                                             type.byteCount(elements: 224), 7, x.baseAddress!, y.baseAddress!,
                                             Int32(first), Int32(end))
                    }
                }
            }
            for r in 0..<37 {
                let exact = zip(rows[r], x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } + Double(initial[r])
                let magnitude = zip(rows[r], x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                let difference = abs(Double(y[r]) - exact)
                #expect(difference <= 1e-6 * magnitude + 1e-6 * abs(Double(initial[r])),
                        "\(type.rawValue) isa \(isa.rawValue) row \(r): \(y[r]) vs \(exact)")
            }
        }
    }

    /// Decoding is exact: every element equals the format's formula bit for bit.
    @Test(arguments: DType.quantized)
    func decodingMatchesTheFormatExactly(type: DType) {
        let weight = randomBlocks(3, 96, type, seed: 14)
        let expected = Self.referenceRows(weight).flatMap { $0 }
        for isa in Self.instructionSets {
            var decoded = [Float](repeating: .nan, count: expected.count)
            decoded.withUnsafeMutableBufferPointer { out in
                zoo_block_decode_isa(isa, type.blockKernelTypeForTests, weight.rawPointer, 9, out.baseAddress!)
            }
            #expect(decoded.map(\.bitPattern) == expected.map(\.bitPattern), "\(type.rawValue) isa \(isa.rawValue)")
        }
    }
}

extension DType {
    var blockKernelTypeForTests: zoo_block_type {
        switch self {
        case .q8_0: ZOO_BLOCK_Q8_0
        case .q4_0: ZOO_BLOCK_Q4_0
        default: ZOO_BLOCK_Q4_1
        }
    }
}
