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

    @Test(arguments: types, [1, 3])
    func matchesTheDecodedFloatProduct(type: DType, rows: Int) {
        expectMatchesDecodedWeight(rows: rows, weight: quantizedWeight(37, 128, type))
        expectMatchesDecodedWeight(rows: rows, weight: quantizedWeight(1, 32, type), bias: false)
    }

    /// Large enough to split one row's product across two cores, and to need several decoded tiles for many rows.
    @Test(arguments: DType.quantized)
    func largeWeightsSplitAcrossCoresAndTiles(type: DType) {
        let weight = randomBlocks(600, 1024, type, seed: 7)
        #expect(weight.byteCount > 256 * 1024)
        for rows in [1, 4] { expectMatchesDecodedWeight(rows: rows, weight: weight) }
    }

    /// Decode-shaped matrix-vector speed in GB/s of weight bytes read, for the shapes of SmolLM2-135M: "hot" runs one
    /// weight again and again (it may stay in cache), "cold" cycles through 300 MB of copies, as a decoding model
    /// reads its weights. Runs with ZOO_BENCHMARK=1, in a release build:
    /// `ZOO_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing --filter decodeSpeed`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ZOO_BENCHMARK"] == "1"))
    func decodeSpeed() {
        for (outputs, inputs) in [(576, 1536), (1536, 576), (49152, 576)] {
            let x = Tensor(shape: [1, inputs], values: values(inputs, seed: 1))
            let source = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 2))
            var line = "\(outputs)×\(inputs):"
            for type in [DType.float32, .q8_0, .q4_1] {
                let weight = source.converted(to: type)
                let copies = (0..<max(2, 300_000_000 / weight.byteCount)).map { _ in
                    let storage = Storage(byteCount: weight.byteCount)
                    storage.base.copyMemory(from: weight.rawPointer, byteCount: weight.byteCount)
                    return Tensor(shape: weight.shape, dtype: type, storage: storage)
                }
                var hot = Double.infinity, cold = Double.infinity
                for _ in 0..<7 {
                    var start = Date()
                    for _ in copies { _ = linear(x, weight: weight) }
                    hot = min(hot, Date().timeIntervalSince(start) / Double(copies.count))
                    start = Date()
                    for copy in copies { _ = linear(x, weight: copy) }
                    cold = min(cold, Date().timeIntervalSince(start) / Double(copies.count))
                }
                let gigabytes = Double(weight.byteCount) / 1e9
                line += String(format: "  %@ hot %.1f, cold %.1f GB/s (%.0f, %.0f µs)", type.rawValue,
                               gigabytes / hot, gigabytes / cold, hot * 1e6, cold * 1e6)
            }
            print(line)
        }
    }
}
