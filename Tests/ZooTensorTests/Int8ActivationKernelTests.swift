import CZooKernels
import Foundation
import Testing
import ZooTensor

/// The int8-activation kernels (int8_activation_kernels.c) at every instruction level this CPU runs, against the
/// same arithmetic written out here in Swift: ggml's x86 activation quantizer, then per block an integer dot product
/// of the quants scaled in float32.
@Suite struct Int8ActivationKernelTests {
    static let instructionSets = BlockKernelInstructionSetTests.instructionSets

    /// ggml's quantize_row_q8_1 on x86 (q8_0's quants and d are the same): per block d = max|x|/127 and
    /// q = round(x · 127/max|x|), ties to even; d and s = d·Σq are kept as float16.
    static func referenceQuantize(_ x: [Float]) -> (quants: [Int8], scales: [Float]) {
        var quants: [Int8] = [], scales: [Float] = []
        for b in 0..<x.count / 32 {
            let block = x[32 * b..<32 * b + 32]
            let amax = block.map(abs).max()!
            let d = amax / 127, id: Float = amax != 0 ? 127 / amax : 0
            let q = block.map { Int8(($0 * id).rounded(.toNearestOrEven)) }
            quants += q
            scales += [Float(Float16(d)), Float(Float16(d * Float(q.reduce(0) { $0 + Int($1) })))]
        }
        return (quants, scales)
    }

    static func quantize(_ x: [Float], isa: zoo_isa) -> [UInt8] {
        let blocks = x.count / 32
        var out = [UInt8](repeating: 0xAA, count: zoo_q8_activation_bytes(Int32(blocks)))
        out.withUnsafeMutableBytes { zoo_q8_quantize_isa(isa, x, Int32(blocks), $0.baseAddress!) }
        return out
    }

    /// Inputs with the quantizer's corner cases: an all-zero block, a block whose largest magnitude is negative, and
    /// a block where max|x| = 127 makes x·127/max|x| = x, so halves are exact ties (2.5 → 2, 3.5 → 4, −2.5 → −2).
    static func awkwardInputs() -> [Float] {
        var x = values(32 * 6, seed: 31).map { $0 * 3 }
        for i in 0..<32 { x[i] = 0 }
        x[40] = -9
        let ties: [Float] = [127, 2.5, 3.5, -2.5, 0.5, -0.5, 1.5, 126.5, -126.5]
        for (i, v) in ties.enumerated() { x[64 + i] = v }
        return x
    }

    @Test func quantizingMatchesGgmlsRoundingExactly() {
        let x = Self.awkwardInputs()
        let (quants, scales) = Self.referenceQuantize(x)
        #expect(quants[64 + 1] == 2 && quants[64 + 2] == 4 && quants[64 + 3] == -2 && quants[64 + 4] == 0)
        let expected = quants.map { UInt8(bitPattern: $0) } + scales.flatMap { withUnsafeBytes(of: $0) { Array($0) } }
        for isa in Self.instructionSets {
            #expect(Self.quantize(x, isa: isa) == expected, "isa \(isa.rawValue)")
        }
    }

    /// A block's quant i: q8_0's q, q4_0's n − 8, q4_1's n (low nibbles are elements 0–15).
    static func referenceQuant(_ block: UnsafeRawPointer, _ type: DType, _ i: Int) -> Int {
        if type == .q8_0 { return Int(block.load(fromByteOffset: 2 + i, as: Int8.self)) }
        let byte = block.load(fromByteOffset: (type == .q4_1 ? 4 : 2) + i % 16, as: UInt8.self)
        return Int(i < 16 ? byte & 0x0F : byte >> 4) - (type == .q4_0 ? 8 : 0)
    }

    /// Σ_b d_w·d_x·Σᵢ w_i q_i (+ m_w·s_x for q4_1) in Double, and Σ_b |d_w·d_x|·Σᵢ |w_i q_i| (+ |m_w·s_x|): the
    /// kernels scale partial sums of a block (vector lanes) before adding them, so that is what their rounding scales with.
    static func referenceRow(_ block: (Int) -> UnsafeRawPointer, blocks: Int, type: DType, quants: [Int8],
                             scales: [Float]) -> (value: Double, magnitude: Double) {
        var value = 0.0, magnitude = 0.0
        for b in 0..<blocks {
            let p = block(b)
            let d = Float(p.loadUnaligned(fromByteOffset: 0, as: Float16.self))
            var dot = 0, absolute = 0
            for i in 0..<32 {
                let product = referenceQuant(p, type, i) * Int(quants[32 * b + i])
                dot += product
                absolute += abs(product)
            }
            value += Double(d * scales[2 * b]) * Double(dot)
            magnitude += abs(Double(d * scales[2 * b])) * Double(absolute)
            if type == .q4_1 {
                let offset = Double(Float(p.loadUnaligned(fromByteOffset: 2, as: Float16.self)) * scales[2 * b + 1])
                value += offset
                magnitude += abs(offset)
            }
        }
        return (value, magnitude)
    }

    /// 37 rows of 1, 2, 7 and 19 blocks (odd counts run the VNNI loop's one-block tail), added to a non-zero y in
    /// two ranges of rows. The integer dot products are exact; the float32 scaling and sums differ from the Double
    /// reference by rounding only: tolerance 1e-6 · (magnitude + |y₀|), about 16 float32 ulps of it.
    @Test(arguments: DType.quantized, [1, 2, 7, 19])
    func matrixVectorProductMatchesTheIntegerReference(type: DType, blocks: Int) {
        let inputs = 32 * blocks
        let weight = randomBlocks(37, inputs, type, seed: UInt64(40 + blocks))
        let x = values(inputs, seed: 41).map { $0 * 2 }
        let (quants, scales) = Self.referenceQuantize(x)
        let initial = values(37, seed: 43)
        let rowBytes = type.byteCount(elements: inputs)
        for isa in Self.instructionSets {
            let quantized = Self.quantize(x, isa: isa)
            var y = initial
            y.withUnsafeMutableBufferPointer { y in
                for (first, end) in [(0, 20), (20, 37)] {
                    zoo_q8_matvec_isa(isa, type.blockKernelTypeForTests, weight.rawPointer, rowBytes, Int32(blocks),
                                      quantized, y.baseAddress!, Int32(first), Int32(end))
                }
            }
            for r in 0..<37 {
                let (exact, magnitude) = Self.referenceRow({ weight.rawPointer + r * rowBytes + $0 * type.blockByteSize },
                                                           blocks: blocks, type: type, quants: quants, scales: scales)
                let difference = abs(Double(y[r]) - (exact + Double(initial[r])))
                #expect(difference <= 1e-6 * (magnitude + abs(Double(initial[r]))),
                        "\(type.rawValue) isa \(isa.rawValue) row \(r): \(y[r]) vs \(exact + Double(initial[r]))")
            }
        }
    }

    /// `linear` with a marked weight runs the int8 kernel (one row) and the float path (several rows), and the
    /// shared-input form gives each weight's own product bit for bit.
    @Test(arguments: DType.quantized)
    func markedWeightsRunTheInt8KernelForOneRow(type: DType) {
        var weight = randomBlocks(600, 1024, type, seed: 51)
        let plain = weight
        weight.activations = .int8
        let x = Tensor(shape: [1, 1024], values: values(1024, seed: 52))
        let (quants, scales) = Self.referenceQuantize(x.toArray())
        let rowBytes = type.byteCount(elements: 1024)
        let y = linear(x, weight: weight).toArray()
        let float = linear(x, weight: plain).toArray()
        var changed = false
        for r in 0..<600 {
            let (exact, magnitude) = Self.referenceRow({ weight.rawPointer + r * rowBytes + $0 * type.blockByteSize },
                                                       blocks: 32, type: type, quants: quants, scales: scales)
            #expect(abs(Double(y[r]) - exact) <= 1e-6 * magnitude, "row \(r)")
            changed = changed || y[r] != float[r]
        }
        #expect(changed, "the int8 path gives the float path's results")

        let several = Tensor(shape: [3, 1024], values: values(3 * 1024, seed: 53))
        #expect(linear(several, weight: weight).toArray() == linear(several, weight: plain).toArray())

        var other = randomBlocks(200, 1024, type, seed: 54)
        other.activations = .int8
        let bias = Tensor(shape: [200], values: values(200, seed: 55))
        let shared = linear(x, weights: [weight, other], biases: [nil, bias])
        #expect(shared[0].toArray() == y)
        #expect(shared[1].toArray() == linear(x, weight: other, bias: bias).toArray())
        let sharedFloat = linear(x, weights: [plain, plain], biases: [nil, nil])
        #expect(sharedFloat[0].toArray() == float && sharedFloat[1].toArray() == float)
    }
}
