import CZooFloat
import CZooKernels
import Testing
import ZooTensor

/// The screened argmax of a float32 product against the argmax of the full product (`linear`): always the same
/// index, decided by the screen for all but rare inputs, and refused (nil) rather than guessed where it cannot tell.
@Suite struct ArgmaxScreenTests {
    static let rows = 4096, inputs = 256

    func fullArgmax(_ x: [Float], _ weight: Tensor, _ bias: Tensor?) -> Int {
        let logits = linear(Tensor(shape: [1, x.count], values: x), weight: weight, bias: bias)
        return argmax(logits.data, count: logits.shape[1])
    }

    func screened(_ screen: ArgmaxScreen, _ x: [Float]) -> Int? {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: screen.rows)
        defer { scratch.deallocate() }
        return x.withUnsafeBufferPointer { screen.argmax($0.baseAddress!, scratch: scratch) }
    }

    @Test(arguments: [false, true])
    func givesTheFullProductsArgmax(withBias: Bool) throws {
        let weight = Tensor(shape: [Self.rows, Self.inputs], values: values(Self.rows * Self.inputs, seed: 31))
        let bias = withBias ? Tensor(shape: [Self.rows], values: values(Self.rows, seed: 32).map { $0 * 4 }) : nil
        let screen = try #require(ArgmaxScreen(weight: weight, bias: bias))
        var decided = 0
        for seed in 0..<40 {
            let x = values(Self.inputs, seed: 100 + UInt64(seed))
            let expected = fullArgmax(x, weight, bias)
            if let token = screened(screen, x) {
                #expect(token == expected, "input \(seed)")
                decided += 1
            }
        }
        // Values spread by about 5 against margins of about 0.5: the screen decides nearly always.
        #expect(decided >= 36)
    }

    /// The rows that can be among the k largest: every row at least the k-th largest value of the full product, with
    /// that product's values bit for bit, and not many more.
    @Test(arguments: [1, 7, 50])
    func largestHoldsEveryRowAtLeastTheKthLargest(k: Int) throws {
        let weight = Tensor(shape: [Self.rows, Self.inputs], values: values(Self.rows * Self.inputs, seed: 33))
        let bias = Tensor(shape: [Self.rows], values: values(Self.rows, seed: 34))
        let screen = try #require(ArgmaxScreen(weight: weight, bias: bias))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Self.rows)
        defer { scratch.deallocate() }
        var decided = 0
        for seed in 0..<20 {
            let x = values(Self.inputs, seed: 200 + UInt64(seed))
            let full = linear(Tensor(shape: [1, Self.inputs], values: x), weight: weight, bias: bias).toArray()
            let kth = full.sorted(by: >)[k - 1]
            guard let found = x.withUnsafeBufferPointer({
                screen.largest(k, $0.baseAddress!, scratch: scratch)
            }) else { continue }
            decided += 1
            #expect(found.map(\.row) == found.map(\.row).sorted(), "row order")
            for (row, value) in found { #expect(value.bitPattern == full[row].bitPattern, "row \(row)") }
            let rows = Set(found.map(\.row))
            #expect(full.indices.filter { full[$0] >= kth }.allSatisfy(rows.contains), "input \(seed)")
            #expect(found.count < k + 60, "input \(seed): \(found.count) rows")
        }
        #expect(decided >= 18)
        // k at or past the rows, or past what the screen computes, is left to the full product.
        #expect(screen.largest(Self.rows, values(Self.inputs, seed: 9), scratch: scratch) == nil)
        #expect(screen.largest(0, values(Self.inputs, seed: 9), scratch: scratch) == nil)
    }

    /// Rows equal to the largest one, before and after it: the lowest index wins, as in the full product.
    @Test func tiesGoToTheLowestIndex() throws {
        var w = values(Self.rows * Self.inputs, seed: 41)
        let x = values(Self.inputs, seed: 42)
        let best = fullArgmax(x, Tensor(shape: [Self.rows, Self.inputs], values: w), nil)
        let row = Array(w[(best * Self.inputs)..<((best + 1) * Self.inputs)])
        for copy in [7, Self.rows - 1] where copy != best {
            w.replaceSubrange((copy * Self.inputs)..<((copy + 1) * Self.inputs), with: row)
        }
        let weight = Tensor(shape: [Self.rows, Self.inputs], values: w)
        let screen = try #require(ArgmaxScreen(weight: weight, bias: nil))
        #expect(fullArgmax(x, weight, nil) == min(7, best))
        #expect(screened(screen, x) == min(7, best))
    }

    /// Every row within the margins of the largest: more candidates than the screen computes, so it gives up; 100
    /// equal largest rows among small ones: it computes them and returns the first.
    @Test func givesUpOnlyWhenTooManyRowsAreClose() throws {
        let row = values(Self.inputs, seed: 51), x = values(Self.inputs, seed: 52)
        let same = Tensor(shape: [Self.rows, Self.inputs], values: Array((0..<Self.rows).map { _ in row }.joined()))
        let screen = try #require(ArgmaxScreen(weight: same, bias: nil))
        #expect(screened(screen, x) == nil)

        let sign: Float = row.indices.reduce(0) { $0 + row[$1] * x[$1] } > 0 ? 1 : -1
        var w = values(Self.rows * Self.inputs, seed: 53).map { $0 * 0.001 }
        for copy in 500..<600 {
            w.replaceSubrange((copy * Self.inputs)..<((copy + 1) * Self.inputs), with: row.map { $0 * sign })
        }
        let weight = Tensor(shape: [Self.rows, Self.inputs], values: w)
        let tied = try #require(ArgmaxScreen(weight: weight, bias: nil))
        #expect(fullArgmax(x, weight, nil) == 500)
        #expect(screened(tied, x) == 500)
    }

    @Test func noScreenForWeightsItCannotBound() {
        let w = values(64 * 64, seed: 61)
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 64], values: w), bias: nil) != nil)
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 64], values: w).converted(to: .float16), bias: nil) == nil)
        #expect(ArgmaxScreen(weight: Tensor(shape: [128, 32], values: w).converted(to: .q8_0), bias: nil) == nil)
        #expect(ArgmaxScreen(weight: Tensor(shape: [128, 32], values: w), bias: nil) != nil)
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 64], values: w).reshaped([128, 32]), bias: nil) != nil)
        #expect(ArgmaxScreen(weight: Tensor(shape: [32, 128], values: w).reshaped([4096, 1]), bias: nil) == nil)
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 48], values: Array(w.prefix(64 * 48))), bias: nil) == nil)
        var bad = w
        bad[1000] = .nan
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 64], values: bad), bias: nil) == nil)
        bad[1000] = .infinity
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 64], values: bad), bias: nil) == nil)
        let infiniteBias = Tensor(shape: [64], values: (0..<64).map { $0 == 5 ? -.infinity : 0 })
        #expect(ArgmaxScreen(weight: Tensor(shape: [64, 64], values: w), bias: infiniteBias) == nil)
    }

    /// The screen's Q8_0 blocks at every vector width this CPU runs: they decode (by the block kernels' decoder) to
    /// values within the reported error of the weights, the error is the largest such difference and the largest
    /// |w| is reported, over magnitudes from subnormal scales to large ones; an infinite or NaN weight is reported.
    @Test(arguments: [Float(1), 1e-6, 3e3])
    func quantizesWithinTheErrorItReports(scale: Float) {
        let n = 32 * 40
        var w = values(n, seed: 81).map { $0 * scale }
        w.replaceSubrange(64..<96, with: repeatElement(0, count: 32))  // an all-zero block
        var blocks = [UInt8](repeating: 0, count: 34 * 40)
        var decoded = [Float](repeating: 0, count: n)
        for level in 0...zoo_simd_level() {
            var error: Float = -1, largest: Float = -1
            #expect(zoo_screen_quantize_at_level(level, w, n, &blocks, &error, &largest) == 1)
            zoo_block_decode(ZOO_BLOCK_Q8_0, blocks, 40, &decoded)
            let worst = zip(w, decoded).map { abs($0 - $1) }.max()!
            #expect(error == worst, "level \(level)")
            #expect(largest == w.map(abs).max()!, "level \(level)")
            // Half a step of the scale, which is at least the smallest half, 2^-24.
            #expect(worst <= max(largest / 127, 0x1p-24), "level \(level)")
            for bad in [Float.nan, .infinity, -.infinity] {
                var poisoned = w
                poisoned[700] = bad
                #expect(zoo_screen_quantize_at_level(level, poisoned, n, &blocks, &error, &largest) == 0)
            }
        }
    }

    @Test func givesUpOnANonFiniteInput() throws {
        let weight = Tensor(shape: [64, 64], values: values(64 * 64, seed: 71))
        let screen = try #require(ArgmaxScreen(weight: weight, bias: nil))
        for bad in [Float.nan, .infinity] {
            var x = values(64, seed: 72)
            x[9] = bad
            #expect(screened(screen, x) == nil)
        }
    }
}
