import Foundation
import Testing
import ZooTensor

/// Attention computed naively: softmax(q·kᵀ · scale) over the unmasked keys of the sequence, times v.
func naiveAttention(_ q: [Float], _ k: [Float], _ v: [Float], length: Int, headDim: Int, visible: [Bool], scale: Float) -> [Float] {
    var out = [Float](repeating: 0, count: length * headDim)
    for r in 0..<length {
        var weights = (0..<length).map { j -> Double in
            guard visible[j] else { return 0 }
            var dot: Double = 0
            for d in 0..<headDim { dot += Double(q[r * headDim + d]) * Double(k[j * headDim + d]) }
            return exp(dot * Double(scale))
        }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        for j in 0..<length { for d in 0..<headDim { out[r * headDim + d] += Float(weights[j]) * v[j * headDim + d] } }
    }
    return out
}

@Test func bidirectionalAttentionSeesEveryUnmaskedKeyOfItsOwnSequence() {
    let batch = 2, length = 4, headDim = 3
    let q = values(batch * length * headDim, seed: 11), k = values(batch * length * headDim, seed: 12)
    let v = values(batch * length * headDim, seed: 13)
    // The second sequence has two tokens and two of padding.
    let mask = [true, true, true, true, true, true, false, false]
    let output = q.withUnsafeBufferPointer { q in k.withUnsafeBufferPointer { k in v.withUnsafeBufferPointer { v in
        bidirectionalAttention(q: q.baseAddress!, k: k.baseAddress!, v: v.baseAddress!, stride: headDim, batch: batch,
                               length: length, heads: 1, headDim: headDim, keyMask: mask, scale: 0.5)
    } } }.toArray()
    let span = length * headDim
    for b in 0..<batch {
        let range = (b * span)..<((b + 1) * span)
        let expected = naiveAttention(Array(q[range]), Array(k[range]), Array(v[range]), length: length, headDim: headDim,
                                      visible: Array(mask[(b * length)..<((b + 1) * length)]), scale: 0.5)
        for (x, y) in zip(output[range], expected) { #expect(abs(x - y) < 1e-5) }
    }
}

@Test func aSequenceOfPaddingOnlyGivesZeros() {
    let q = values(6, seed: 1)
    let output = q.withUnsafeBufferPointer { q in
        bidirectionalAttention(q: q.baseAddress!, k: q.baseAddress!, v: q.baseAddress!, stride: 3, batch: 1,
                               length: 2, heads: 1, headDim: 3, keyMask: [false, false], scale: 1)
    }
    #expect(output.toArray() == [Float](repeating: 0, count: 6))
}
