import Foundation
import Testing
import ZooTensor

@Test func rmsNormDividesByTheRootMeanSquare() {
    let x = Tensor(shape: [2, 4], values: [1, 2, 3, 4, -2, 0, 2, 4])
    let weight = Tensor(shape: [4], values: [1, 1, 2, 0.5])
    let y = rmsNorm(x, weight: weight, epsilon: 0).toArray()
    let first = Float(7.5).squareRoot(), second = Float(6).squareRoot()
    let expected: [Float] = [1 / first, 2 / first, 6 / first, 2 / first, -2 / second, 0, 4 / second, 2 / second]
    for i in 0..<8 { #expect(abs(y[i] - expected[i]) < 1e-6) }
}

@Test func rotaryEmbeddingRotatesHalvesByPositionAngles() {
    // One head of 4 values at position 3, θ = 100: pairs (0, 2) and (1, 3) turn by 3 and 3 / 10 radians.
    let rotary = RotaryEmbedding(headDimension: 4, base: 100)
    #expect(rotary.inverseFrequencies == [1, 0.1])
    var values: [Float] = [1, 2, 3, 4]
    let angles = rotary.angles(rows: 1, firstPosition: 3)
    values.withUnsafeMutableBufferPointer { rotary.apply(angles, to: $0.baseAddress!, stride: 4, heads: 1) }
    let a: Float = 3, b: Float = 0.3
    let expected: [Float] = [1 * cos(a) - 3 * sin(a), 2 * cos(b) - 4 * sin(b), 3 * cos(a) + 1 * sin(a), 4 * cos(b) + 2 * sin(b)]
    for i in 0..<4 { #expect(abs(values[i] - expected[i]) < 1e-6) }
}

@Test func rotaryEmbeddingKeepsDotProductsRelative() {
    // q·k after rotation depends only on the distance between their positions.
    let rotary = RotaryEmbedding(headDimension: 8, base: 10_000)
    func rotated(_ v: [Float], at position: Int) -> [Float] {
        var copy = v
        let angles = rotary.angles(rows: 1, firstPosition: position)
        copy.withUnsafeMutableBufferPointer { rotary.apply(angles, to: $0.baseAddress!, stride: 8, heads: 1) }
        return copy
    }
    let q = values(8, seed: 21), k = values(8, seed: 22)
    func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    #expect(abs(dot(rotated(q, at: 7), rotated(k, at: 4)) - dot(rotated(q, at: 13), rotated(k, at: 10))) < 1e-4)
}

/// Grouped-query attention equals multi-head attention over key/value heads repeated for their query heads.
@Test(arguments: [1, 2, 4])
func groupedQueryAttentionMatchesRepeatedHeads(keyValueHeads: Int) {
    let heads = 4, headDim = 3, rows = 5
    let width = heads * headDim, keyValueWidth = keyValueHeads * headDim
    let q = values(rows * width, seed: 31), k = values(rows * keyValueWidth, seed: 32), v = values(rows * keyValueWidth, seed: 33)
    let group = heads / keyValueHeads
    func repeated(_ x: [Float]) -> [Float] {
        var result: [Float] = []
        for r in 0..<rows {
            for h in 0..<heads {
                let start = (r * keyValueHeads + h / group) * headDim
                result += x[start..<start + headDim]
            }
        }
        return result
    }
    let grouped = KVCache(layers: 1, capacity: rows, width: keyValueWidth)
    let full = KVCache(layers: 1, capacity: rows, width: width)
    let scale: Float = 0.5
    let a = q.withUnsafeBufferPointer { qp in k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
        groupedQueryAttention(q: qp.baseAddress!, queryStride: width, k: kp.baseAddress!, v: vp.baseAddress!,
                              keyValueStride: keyValueWidth, rows: rows, heads: heads, keyValueHeads: keyValueHeads,
                              headDim: headDim, cache: grouped, layer: 0, scale: scale)
    } } }
    let kr = repeated(k), vr = repeated(v)
    let b = q.withUnsafeBufferPointer { qp in kr.withUnsafeBufferPointer { kp in vr.withUnsafeBufferPointer { vp in
        causalSelfAttention(q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, stride: width, rows: rows,
                            heads: heads, headDim: headDim, cache: full, layer: 0, scale: scale)
    } } }
    let x = a.toArray(), y = b.toArray()
    for i in 0..<x.count { #expect(abs(x[i] - y[i]) < 1e-6) }
}
