import CZooFloat

/// The index of the largest of `count` values, the first one on ties (as torch.argmax gives); NaN never wins.
public func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for i in 1..<max(count, 1) where values[i] > values[best] { best = i }
    return best
}

/// The argmax of a float32 matrix-vector product `weight · x + bias` (a language model's greedy token), or the rows
/// that can be among its k largest (what top-k sampling keeps), found while reading about a quarter of the matrix.
///
/// A decode step reads every weight once, so it runs at the speed of memory, and an output head is a large part of
/// the weights (GPT-2's: 154 of 497 MB in float32). The screen keeps a copy of the matrix in Q8_0 blocks (34 bytes
/// per 32 weights) and, per row, how far a product with that copy can be from the float32 product: ‖x‖₁ times the
/// row's largest quantization error, plus what float32 rounding can add to either product (γ ≤ (n + 4)·2⁻²⁴ of
/// the row's |w|·|x| sums), rounded up. The copy's products give every row's value within its margin; only rows whose
/// value plus margin reaches the largest value minus margin can hold the maximum, and those few are computed from
/// the float32 rows by the kernel of the full product, which gives them bit for bit. So the index is always the one
/// the full product's argmax gives.
public final class ArgmaxScreen: @unchecked Sendable {  // immutable after init
    /// What the screen was made from: the values it gives are those of `weight · x + bias`.
    public let weight: Tensor, bias: Tensor?
    /// The weight as Q8_0 blocks.
    let blocks: Tensor
    /// Per row, the margin per unit of ‖x‖₁, and the largest of them.
    let coefficients: [Float], largestCoefficient: Float
    /// The part of every margin that does not grow with x: the rounding of the bias's addition.
    let constant: Double
    public let rows: Int, inputs: Int

    /// Rows a screen computes in float32 at most; with more within the margins of the largest, `argmax` gives up.
    public static let candidateCapacity = 256

    /// A screen of `weight` ([rows, inputs]) and `bias`; nil unless the weight is float32 with inputs a multiple of
    /// 32 and every weight and bias finite.
    public init?(weight: Tensor, bias: Tensor?) {
        guard weight.dtype == .float32, weight.shape.count == 2, weight.shape[1] > 0, weight.shape[1] % 32 == 0
        else { return nil }
        let rows = weight.shape[0], inputs = weight.shape[1]
        let rowBytes = DType.q8_0.byteCount(elements: inputs)
        let blocks = Tensor(shape: weight.shape, dtype: .q8_0, storage: Storage(hugePages: rows * rowBytes))
        let gamma = Self.rounding(terms: inputs)
        var coefficients = [Float](repeating: 0, count: rows)
        coefficients.withUnsafeMutableBufferPointer { coefficients in
            let w = weight.data, out = coefficients.baseAddress!
            let base = blocks.storage.base.assumingMemoryBound(to: UInt8.self)
            Parallel.forRanges(rows, granularity: 64, minimum: 1024) { range in
                for r in range {
                    var error: Float = 0, largest: Float = 0
                    let finite = zoo_screen_quantize(w + r * inputs, inputs, base + r * rowBytes, &error, &largest)
                    // Quantization error (its float32 subtraction rounded it by at most 2⁻²⁴ of itself), plus the
                    // float32 product's rounding (|w| ≤ largest) and the copy's (|ŵ| ≤ largest + error).
                    let quantization = Double(error) * (1 + 0x1p-22)
                    let margin = quantization + gamma * (2 * Double(largest) + quantization)
                    out[r] = finite != 0 ? Float(margin).nextUp : .infinity
                }
            }
        }
        let largestBias = bias.map { bias in (0..<rows).reduce(0.0) { max($0, Double(abs(bias.data[$1]))) } } ?? 0
        guard coefficients.allSatisfy(\.isFinite), largestBias.isFinite else { return nil }
        self.weight = weight
        self.bias = bias
        self.blocks = blocks
        self.coefficients = coefficients
        largestCoefficient = coefficients.max() ?? 0
        // Each product adds the bias once more (one rounding of at most 2⁻²⁴ of it), and float32 arithmetic may
        // lose up to the smallest normal number per operation to underflow.
        constant = 2 * gamma * largestBias + Double(4 * inputs) * Double(Float.leastNormalMagnitude)
        self.rows = rows
        self.inputs = inputs
    }

    /// γ for a sum of `terms` float32 products: any order of summation is within γ · Σ|term| of the exact sum.
    static func rounding(terms: Int) -> Double {
        let nu = Double(terms + 4) * 0x1p-24
        return nu / (1 - nu)
    }

    /// The index of the largest of `weight · x + bias` (the lowest of equal ones), `x` holding `inputs` floats; nil
    /// when the screen cannot tell cheaply: a non-finite x or value, or more than `candidateCapacity` rows within the
    /// margins of the largest. `scratch` holds `rows` floats.
    public func argmax(_ x: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> Int? {
        screen(1, x, scratch: scratch) { candidates -> Int? in
            var best = -1, bestValue: Float = 0
            for candidate in candidates {
                let row = Int(candidate), value = exactValue(row, x)
                guard !value.isNaN else { return nil }
                if best < 0 || value > bestValue { (best, bestValue) = (row, value) }
            }
            return best
        }
    }

    /// The rows that can be among the `k` largest of `weight · x + bias`, with their values as the full product
    /// gives them: every row whose value is at least the k-th largest, and perhaps a few below it, in row order; nil
    /// as for `argmax`, or when k is not below the number of rows.
    public func largest(_ k: Int, _ x: UnsafePointer<Float>,
                        scratch: UnsafeMutablePointer<Float>) -> [(row: Int, value: Float)]? {
        guard k >= 1, k < rows, k <= Self.candidateCapacity else { return nil }
        return screen(k, x, scratch: scratch) { candidates in
            let found = candidates.map { row in (row: Int(row), value: exactValue(Int(row), x)) }
            return found.contains { $0.value.isNaN } ? nil : found
        }
    }

    /// The rows whose value can be at least the k-th largest, found from the Q8_0 copy, passed to `body`; nil when
    /// x is not finite, the margins do not order, or more than `candidateCapacity` rows qualify.
    private func screen<Result>(_ k: Int, _ x: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                                _ body: (UnsafeBufferPointer<Int32>) -> Result?) -> Result? {
        var norm = 0.0
        for j in 0..<inputs { norm += Double(abs(x[j])) }
        guard norm.isFinite else { return nil }
        norm *= 1 + 0x1p-40  // above the double sum's own rounding, so the margins stay upper bounds
        if let bias { scratch.update(from: bias.data, count: rows) } else { scratch.update(repeating: 0, count: rows) }
        withUnsafePointer(to: blocks) { blocks in
            withUnsafePointer(to: scratch) { scratch in
                blockVectorProducts(x, UnsafeBufferPointer(start: blocks, count: 1),
                                    UnsafeBufferPointer(start: scratch, count: 1))
            }
        }
        return coefficients.withUnsafeBufferPointer { coefficients -> Result? in
            let kth = withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { heap in
                zoo_screen_kth(scratch, coefficients.baseAddress, rows, norm, constant, k, heap.baseAddress)
            }
            guard kth.isFinite else { return nil }
            // Also the rows a few units in the last place below: a sampler divides the values by its temperature,
            // and a value that rounding then makes equal to the k-th largest's is kept with it.
            let threshold = kth - 0x1p-20 * (abs(kth) + 2 * (norm * Double(largestCoefficient) + constant))
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.candidateCapacity) { candidates in
                let count = zoo_screen_candidates(scratch, coefficients.baseAddress, rows, norm, constant, threshold,
                                                  candidates.baseAddress, Self.candidateCapacity)
                guard count <= Self.candidateCapacity else { return nil }
                return body(UnsafeBufferPointer(rebasing: candidates[..<count]))
            }
        }
    }

    /// Row `row`'s value by the full product's kernel: bit for bit what `linear` gives.
    private func exactValue(_ row: Int, _ x: UnsafePointer<Float>) -> Float {
        var value = bias?.data[row] ?? 0
        zoo_matvec_f32(weight.data + row * inputs, inputs, x, inputs, &value, 1)
        return value
    }
}
