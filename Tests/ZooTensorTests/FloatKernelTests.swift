import COpenBLAS
import Foundation
import Testing
import ZooTensor

/// The SIMD float kernels (CZooFloat) against straightforward double-precision implementations.
@Suite struct FloatKernelTests {
    /// One row through `linear` (the matrix-vector kernels, split across the cores for the larger weights) against
    /// a double-precision product over the same stored weights decoded to float32. Tolerance 1e-6 · Σᵢ |xᵢ wᵢ|: the
    /// float32 rounding of a sum in another order (measured at most 1.5e-7 of it).
    @Test(arguments: [DType.float32, .float16, .bfloat16], [(9, 37), (200, 768), (1001, 160)])
    func vectorProductMatchesDoublePrecision(type: DType, shape: (Int, Int)) {
        let (outputs, inputs) = shape
        let weight = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 4)).converted(to: type)
        let x = values(inputs, seed: 5), bias = values(outputs, seed: 6)
        let y = linear(Tensor(shape: [1, inputs], values: x), weight: weight,
                       bias: Tensor(shape: [outputs], values: bias)).toArray()
        let w = weight.toArray()
        for o in 0..<outputs {
            var expected = Double(bias[o]), magnitude = abs(Double(bias[o]))
            for i in 0..<inputs {
                expected += Double(x[i]) * Double(w[o * inputs + i])
                magnitude += abs(Double(x[i]) * Double(w[o * inputs + i]))
            }
            #expect(abs(Double(y[o]) - expected) <= 1e-6 * magnitude, "\(type) output \(o)")
        }
    }

    /// More rows than the small-batch product takes: BLAS's matrix product on column ranges split across the cores
    /// (at 1000 and 3000 outputs, ranges that are not multiples of each other), against double precision, within
    /// 1e-6 · Σᵢ |xᵢ wᵢ|. OpenBLAS runs single-threaded inside them: Zoo's pool is the process's only threads.
    @Test(arguments: [(40, 1000, 72), (17, 3000, 64)])
    func matrixProductMatchesDoublePrecision(shape: (Int, Int, Int)) {
        let (rows, outputs, inputs) = shape
        let w = values(outputs * inputs, seed: 21), x = values(rows * inputs, seed: 22), bias = values(outputs, seed: 23)
        let y = linear(Tensor(shape: [rows, inputs], values: x), weight: Tensor(shape: [outputs, inputs], values: w),
                       bias: Tensor(shape: [outputs], values: bias)).toArray()
        #expect(openblas_get_num_threads() == 1)
        for r in 0..<rows {
            for o in 0..<outputs {
                var expected = Double(bias[o]), magnitude = abs(Double(bias[o]))
                for i in 0..<inputs {
                    expected += Double(x[r * inputs + i]) * Double(w[o * inputs + i])
                    magnitude += abs(Double(x[r * inputs + i]) * Double(w[o * inputs + i]))
                }
                #expect(abs(Double(y[r * outputs + o]) - expected) <= 1e-6 * magnitude, "row \(r) output \(o)")
            }
        }
    }

    /// Every activation over [-12, 12] and beyond against its formula in double precision, within
    /// 1e-6 · max(1, |x|) (the exponential is within 2 ulps, the exact GELU's erf within 1.5e-7).
    @Test(arguments: [Activation.geluTanh, .gelu, .silu, .quickGelu, .relu])
    func activationMatchesItsFormula(activation: Activation) {
        let inputs = (0..<2001).map { Float($0 - 1000) / 80 } + [-100, -88, 50, 100, 0]
        let x = Tensor(shape: [inputs.count], values: inputs)
        activation.apply(x)
        for (input, output) in zip(inputs, x.toArray()) {
            let v = Double(input)
            let expected: Double = switch activation {
            case .geluTanh: 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
            case .gelu: 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
            case .silu: v / (1 + exp(-v))
            case .quickGelu: v / (1 + exp(-1.702 * v))
            case .relu: max(v, 0)
            }
            #expect(abs(Double(output) - expected) <= 1e-6 * max(1, abs(v)), "\(activation)(\(input)) = \(output)")
        }
    }

    /// A large tensor is activated in parts across the cores: every element, once.
    @Test func largeActivationCoversEveryElement() {
        let inputs = values(100_003, seed: 8)
        let x = Tensor(shape: [inputs.count], values: inputs)
        Activation.silu.apply(x)
        for (input, output) in zip(inputs, x.toArray()) {
            #expect(abs(output - input / (1 + expf(-input))) <= 1e-6)
        }
    }

    @Test(arguments: [1, 17, 1000])
    func softmaxMatchesDoublePrecision(count: Int) {
        var row = values(count, seed: UInt64(count)).map { $0 * 30 }
        if count > 2 { row[1] = -.infinity }
        let original = row
        row.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: count) }
        let maximum = Double(original.max()!)
        let exps = original.map { exp(Double($0) - maximum) }
        let sum = exps.reduce(0, +)
        for i in 0..<count {
            #expect(abs(Double(row[i]) - exps[i] / sum) <= 1e-6 * max(exps[i] / sum, 1e-3), "entry \(i)")
        }
        if count > 2 { #expect(row[1] == 0) }
    }

    @Test(arguments: [37, 768])
    func layerNormMatchesDoublePrecision(width: Int) {
        let rows = 3
        let input = values(rows * width, seed: 10).map { $0 * 4 + 1 }
        let gamma = values(width, seed: 11), beta = values(width, seed: 12)
        let y = layerNorm(Tensor(shape: [rows, width], values: input), weight: Tensor(shape: [width], values: gamma),
                          bias: Tensor(shape: [width], values: beta), epsilon: 1e-5).toArray()
        for r in 0..<rows {
            let row = input[(r * width)..<((r + 1) * width)].map(Double.init)
            let mean = row.reduce(0, +) / Double(width)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            for i in 0..<width {
                let expected = (row[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])
                #expect(abs(Double(y[r * width + i]) - expected) <= 2e-6 * max(1, abs(expected)), "row \(r) entry \(i)")
            }
        }
    }

    /// A decode step (the fused single-query kernel, heads split across the cores for a long cache) against the
    /// BLAS path that runs the same positions all at once, for head sizes with and without a 64-wide remainder and
    /// with a remainder past the last 16 (72, and 8), and for grouped-query attention (groups of 2, 3 as SmolLM2's,
    /// 4, and 5, more than the kernel's four queries at a time). 300 positions: the keys are scored sixteen at a
    /// time, with twelve left over. With 12 small heads the cores take parts of several heads each.
    @Test(arguments: [(4, 4, 64), (3, 3, 80), (4, 2, 64), (2, 1, 8), (2, 2, 72), (6, 2, 64), (4, 1, 64), (5, 1, 72),
                      (12, 12, 16), (12, 4, 16)])
    func decodeStepMatchesTheWholeSequence(heads: Int, keyValueHeads: Int, headDim: Int) {
        let length = 300, width = heads * headDim, keyValueWidth = keyValueHeads * headDim
        let q = Tensor(shape: [length, width], values: values(length * width, seed: 13))
        let k = Tensor(shape: [length, keyValueWidth], values: values(length * keyValueWidth, seed: 14).map { $0 * 3 })
        let v = Tensor(shape: [length, keyValueWidth], values: values(length * keyValueWidth, seed: 15))
        let scale = 1 / Float(headDim).squareRoot()
        func attend(_ first: Int, _ rows: Int, _ cache: KVCache) -> Tensor {
            groupedQueryAttention(q: q.data + first * width, queryStride: width, k: k.data + first * keyValueWidth,
                                  v: v.data + first * keyValueWidth, keyValueStride: keyValueWidth, rows: rows,
                                  heads: heads, keyValueHeads: keyValueHeads, headDim: headDim, cache: cache,
                                  layer: 0, scale: scale)
        }
        let whole = attend(0, length, KVCache(layers: 1, capacity: length, width: keyValueWidth)).toArray()
        let cache = KVCache(layers: 1, capacity: length, width: keyValueWidth)
        _ = attend(0, length - 1, cache)
        cache.length = length - 1
        let step = attend(length - 1, 1, cache).toArray()
        let last = Array(whole[((length - 1) * width)...])
        for i in 0..<width { #expect(abs(step[i] - last[i]) <= 1e-5, "element \(i)") }
    }
}

@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 7, 64, 1000, 100_001])
    func rangesCoverEveryIndexOnce(count: Int) {
        for (granularity, minimum) in [(1, 1), (4, 1), (16, 64), (3, 1000)] {
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
            hits.initialize(repeating: 0, count: max(count, 1))
            defer { hits.deallocate() }
            Parallel.forRanges(count, granularity: granularity, minimum: minimum) { range in
                #expect(range.lowerBound % granularity == 0)
                #expect(range.count >= min(minimum, count) || range.upperBound == count)
                for i in range { hits[i] += 1 }
            }
            for i in 0..<count { #expect(hits[i] == 1, "index \(i) of \(count), granularity \(granularity)") }
        }
    }

    /// A parallel loop inside another runs serially on its thread instead of waiting for the busy pool; many
    /// short jobs in a row (as in decode) all complete.
    @Test func nestedAndRepeatedLoopsComplete() {
        let totals = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        totals.initialize(repeating: 0, count: 8)
        defer { totals.deallocate() }
        for _ in 0..<2000 {
            Parallel.forEach(parts: 8) { part in
                Parallel.forEach(parts: 3) { _ in totals[part] += 1 }
            }
        }
        for part in 0..<8 { #expect(totals[part] == 6000) }
        #expect(Parallel.threadCount >= 1)
    }
}
