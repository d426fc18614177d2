import CZooFloat
import Foundation
import Testing
import ZooTensor

/// The small-batch product (`zoo_matmul_at_level`) at every vector width this CPU runs, and `linear` routed to it,
/// against a double-precision product over the same stored weights decoded to float32.
@Suite struct FloatBatchProductTests {
    static let levels: [Int32] = {
        let best = zoo_simd_level()
        if best < 2 {
            FileHandle.standardError.write(Data("FloatBatchProductTests: this CPU (or ZOO_SIMD) runs only levels 0...\(best) of 0 baseline, 1 AVX2, 2 AVX-512: the others are not tested here\n".utf8))
        }
        return Array(0...best)
    }()

    /// Checks `y` ([rows, outputs], started from `initial`) against x · wᵀ + initial in Double. Tolerance
    /// 1e-6 · (Σᵢ |xᵢ wᵢ| + |initial|): float32 rounding of a sum in another order, as for the matrix-vector kernel.
    static func check(_ y: [Float], x: [Float], weight: Tensor, initial: [Float], rows: Int, _ label: String) {
        let outputs = weight.shape[0], inputs = weight.shape[1], w = weight.toArray()
        for b in 0..<rows {
            for o in 0..<outputs {
                var expected = Double(initial[b * outputs + o]), magnitude = abs(expected)
                for i in 0..<inputs {
                    let product = Double(x[b * inputs + i]) * Double(w[o * inputs + i])
                    expected += product
                    magnitude += abs(product)
                }
                #expect(abs(Double(y[b * outputs + o]) - expected) <= 1e-6 * magnitude, "\(label) row \(b) output \(o)")
            }
        }
    }

    /// Odd shapes: weight rows not a multiple of 4, inputs with a tail after the last 16 and more than one chunk of
    /// 256 columns, whole chunks only (20 × 512, weight rows prefetched a block ahead), fewer than 16 inputs (the
    /// tail alone), rows 1,024 floats apart (which `linear` packs); input row counts below, at and above the 4-row
    /// tile, up to the 16 the kernel takes; input rows packed and read in place; with a bias and without. The output
    /// starts out as NaN: the product sets it.
    @Test(arguments: [DType.float32, .float16, .bfloat16], [(7, 37), (13, 531), (64, 16), (20, 512), (6, 9), (5, 1024)])
    func everyLevelMatchesDoublePrecision(type: DType, shape: (Int, Int)) {
        let (outputs, inputs) = shape
        let weight = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 21)).converted(to: type)
        let bias = values(outputs, seed: 23)
        for rows in [2, 3, 4, 5, 9, 16] {
            let x = values(rows * inputs, seed: 22)
            for level in Self.levels {
                for (pack, biased) in [(0, true), (1, true), (0, false), (1, false)] {
                    var y = [Float](repeating: .nan, count: rows * outputs)
                    y.withUnsafeMutableBufferPointer { y in
                        let kind = type == .float32 ? ZOO_WEIGHT_F32 : type == .float16 ? ZOO_WEIGHT_F16 : ZOO_WEIGHT_BF16
                        zoo_matmul_at_level(level, kind, weight.rawPointer, inputs, x, rows, inputs, Int32(pack),
                                            biased ? bias : nil, y.baseAddress!, outputs, outputs)
                    }
                    let initial = (0..<rows).flatMap { _ in biased ? bias : [Float](repeating: 0, count: outputs) }
                    Self.check(y, x: x, weight: weight, initial: initial, rows: rows,
                               "\(type) level \(level) × \(rows), packed \(pack), bias \(biased)")
                }
            }
        }
    }

    /// `linear` with a few rows and a weight large enough to split across the cores, with a bias and without; and
    /// with more rows than the kernel takes, which run in passes of 16 (33 rows: a last pass of one row, which runs
    /// the matrix-vector kernel; 37: a last pass of 5; 128: the most a float32 weight runs in passes, 129 going to
    /// BLAS); inputs of 200 (read in place) and of 1,024 (packed). The output tensor is reused, so every path must
    /// set what it holds rather than add to it.
    @Test(arguments: [DType.float32, .float16, .bfloat16], [2, 16, 33, 37, 128, 129])
    func linearMatchesDoublePrecision(type: DType, rows: Int) {
        for inputs in [200, 1024] {
            let outputs = 301
            let weight = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 24)).converted(to: type)
            let x = Tensor(shape: [rows, inputs], values: values(rows * inputs, seed: 25))
            let bias = values(outputs, seed: 26)
            let y = Tensor(shape: [rows, outputs], values: [Float](repeating: .nan, count: rows * outputs))
            for biased in [true, false] {
                linear(x, weight: weight, bias: biased ? Tensor(shape: [outputs], values: bias) : nil, into: y)
                let initial = (0..<rows).flatMap { _ in biased ? bias : [Float](repeating: 0, count: outputs) }
                Self.check(y.toArray(), x: x.toArray(), weight: weight, initial: initial, rows: rows,
                           "linear \(type) × \(rows) × \(inputs), bias \(biased)")
            }
        }
    }
}
