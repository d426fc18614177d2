import CZooFloat
import Foundation
import Testing
import ZooTensor

/// Products with bfloat16 activations: `zoo_bf16_matmul` and `linear` on a weight marked for them, against a
/// double-precision product of the inputs rounded to bfloat16 and the stored weights; the rounding against its
/// definition.
@Suite struct BFloat16ProductTests {
    static let dotProducts: Bool = {
        let available = zoo_bf16_dot_available() != 0
        if !available {
            FileHandle.standardError.write(Data("BFloat16ProductTests: this CPU has no AVX512_BF16 (or ZOO_SIMD caps it): the bfloat16 dot-product kernels are not tested here, only the float32 path that replaces them\n".utf8))
        }
        return available
    }()

    static func bits(_ x: Float) -> UInt32 { x.bitPattern }

    /// The bfloat16 nearest to x as float32, by `zoo_bf16_round_one`.
    static func rounded(_ x: Float) -> Float { Float(bitPattern: UInt32(zoo_bf16_round_one(x)) << 16) }

    @Test func roundsToNearestTiesToEvenAsTheInstructionsDo() {
        let cases: [(UInt32, UInt16)] = [
            (0x3f80_0000, 0x3f80),  // 1
            (0x3f80_8000, 0x3f80),  // 1 + 2⁻⁸, halfway: to the even 1
            (0x3f81_8000, 0x3f82),  // halfway above an odd value: up
            (0x3f80_8001, 0x3f81),  // past halfway: up
            (0xbf80_7fff, 0xbf80),  // short of halfway, negative: down in magnitude
            (0x7f7f_ffff, 0x7f80),  // the largest float rounds to infinity
            (0x7f80_0000, 0x7f80), (0xff80_0000, 0xff80),  // ±infinity
            (0x7fa0_0000, 0x7fe0), (0xffc0_0001, 0xffc0),  // NaNs come out quiet
            (0x0000_0001, 0x0000), (0x8040_0000, 0x8000),  // subnormals become zeros of their sign
            (0x0080_0000, 0x0080), (0x8000_0000, 0x8000),  // the least normal; −0
        ]
        for (input, expected) in cases {
            #expect(zoo_bf16_round_one(Float(bitPattern: input)) == expected, "\(String(input, radix: 16))")
        }
        // The vector rounding (where the CPU has it) against the scalar one, over every tail length.
        var generator = SystemRandomNumberGenerator()
        let inputs = cases.map { Float(bitPattern: $0.0) } + (0..<2_000).map { _ in Float(bitPattern: generator.next()) }
        for count in [1, 15, 16, 17, 40, inputs.count] {
            var out = [UInt16](repeating: 0, count: count)
            zoo_bf16_round(inputs, count, &out)
            #expect(out == inputs.prefix(count).map { zoo_bf16_round_one($0) }, "\(count) values")
        }
    }

    /// Checks `y` ([rows, outputs], started from `initial`) against round(x) · wᵀ + initial in Double. Tolerance
    /// 1e-6 · (Σᵢ |x̂ᵢ wᵢ| + |initial|): float32 sums in another order, as for the float32 kernels.
    static func check(_ y: [Float], x: [Float], weight: Tensor, initial: [Float], rows: Int, _ label: String) {
        let outputs = weight.shape[0], inputs = weight.shape[1], w = weight.toArray()
        var failures = 0
        for b in 0..<rows {
            for o in 0..<outputs {
                var expected = Double(initial[b * outputs + o]), magnitude = abs(expected)
                for i in 0..<inputs {
                    let product = Double(rounded(x[b * inputs + i])) * Double(w[o * inputs + i])
                    expected += product
                    magnitude += abs(product)
                }
                if abs(Double(y[b * outputs + o]) - expected) > 1e-6 * magnitude { failures += 1 }
            }
        }
        #expect(failures == 0, "\(label): \(failures) of \(rows * outputs) sums off")
    }

    /// Input rows on both sides of the switch from dot-product tiles to weight panels (128) and of their tiles (4, 9);
    /// weight rows short of a tile of 4 and of a panel of 48, and two panels and a part; columns with a tail after the
    /// last 32, odd (the last pair half empty), and more than one 768-column block of a panel; with a bias and
    /// without. The input rows are packed in two parts, as two threads do; the output starts out as NaN: the product
    /// sets it.
    @Test(arguments: [(1, 30), (5, 64), (33, 100), (70, 801), (40, 1600), (110, 48)])
    func matchesDoublePrecisionOverTheRoundedInputs(shape: (Int, Int)) {
        guard Self.dotProducts else { return }
        let (outputs, inputs) = shape
        let weight = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 31)).converted(to: .bfloat16)
        let bias = values(outputs, seed: 33)
        for rows in [2, 3, 4, 5, 16, 127, 128, 136] {
            let x = values(rows * inputs, seed: 32)
            var packed = [UInt16](repeating: 0xffff, count: zoo_bf16_packed_elements(rows, inputs))
            let blocks = zoo_bf16_row_blocks(rows), half = blocks / 2
            zoo_bf16_pack(x, rows, inputs, 0, half, &packed)
            zoo_bf16_pack(x, rows, inputs, half, blocks - half, &packed)
            for biased in [true, false] {
                var y = [Float](repeating: .nan, count: rows * outputs)
                zoo_bf16_matmul(packed, rows, inputs, weight.rawPointer.assumingMemoryBound(to: UInt16.self), outputs,
                                biased ? bias : nil, &y, outputs)
                let initial = (0..<rows).flatMap { _ in biased ? bias : [Float](repeating: 0, count: outputs) }
                Self.check(y, x: x, weight: weight, initial: initial, rows: rows,
                           "\(outputs) × \(inputs), \(rows) rows, bias \(biased)")
            }
        }
    }

    /// `linear` on a bfloat16 weight marked for bfloat16 activations, with a bias, split across the cores: several
    /// rows take the rounded activations (through the dot products, or through float32 kernels without them); one
    /// row keeps float32 activations, bit for bit the unmarked weight's product.
    @Test func linearRoundsTheActivationsOfSeveralRows() {
        let outputs = 300, inputs = 96
        var weight = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 41)).converted(to: .bfloat16)
        let plain = weight
        weight.activations = .bfloat16
        let bias = Tensor(shape: [outputs], values: values(outputs, seed: 42))
        for rows in [1, 3, 16, 100] {
            let x = Tensor(shape: [rows, inputs], values: values(rows * inputs, seed: 43))
            let y = linear(x, weight: weight, bias: bias).toArray()
            if rows == 1 {
                #expect(y == linear(x, weight: plain, bias: bias).toArray())
            } else {
                let initial = (0..<rows).flatMap { _ in bias.toArray() }
                Self.check(y, x: x.toArray(), weight: plain, initial: initial, rows: rows, "linear, \(rows) rows")
                #expect(y != linear(x, weight: plain, bias: bias).toArray(), "the activations were rounded")
            }
        }
    }
}
