import COpenBLAS

/// Which keys each query of an attention sees.
public enum AttentionMask: Sendable, Equatable {
    /// Every key.
    case none
    /// Query r is position `firstPosition + r` and sees keys 0 ... firstPosition + r: a decoder's causal mask.
    case causal(firstPosition: Int)
    /// No query sees a key whose entry is false (padding); one entry per key.
    case keys([Bool])
}

/// The attention probabilities softmax(scale · q·kᵀ + bias) of every head, computed for looking at them: the
/// attention kernels use the same scores but never keep them, so that a normal forward pass pays nothing for this.
///
/// `q` points at `queries` rows `queryStride` floats apart, each holding `heads × headDim` values; `k` at `keys` rows
/// `keyStride` apart, each holding `keyValueHeads × headDim` values, and query head h reads key head
/// h / (heads / keyValueHeads) (grouped-query attention: the result has one map per query head). `bias`, when
/// given, is added to the scaled scores: [heads, queries, keys] (T5's relative positions). Writes
/// [heads, queries, keys] to `output`; masked keys get exactly 0, and a query that sees no key at all gets a row of 0.
public func attentionProbabilities(
    q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>, keyStride: Int, queries: Int, keys: Int,
    heads: Int, keyValueHeads: Int, headDim: Int, scale: Float, mask: AttentionMask, bias: UnsafePointer<Float>? = nil,
    into output: UnsafeMutablePointer<Float>
) {
    precondition(keyValueHeads > 0 && heads % keyValueHeads == 0,
                 "attention: \(heads) query heads do not divide into \(keyValueHeads) key/value heads")
    if case .keys(let visible) = mask {
        precondition(visible.count == keys, "attention: \(visible.count) mask entries for \(keys) keys")
    }
    let group = heads / keyValueHeads
    let hidden: [Int]
    if case .keys(let visible) = mask { hidden = visible.indices.filter { !visible[$0] } } else { hidden = [] }
    for h in 0..<heads {
        let scores = output + h * queries * keys
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queries), Int32(keys), Int32(headDim), scale,
                    q + h * headDim, Int32(queryStride), k + (h / group) * headDim, Int32(keyStride),
                    0, scores, Int32(keys))
        if let bias {
            let headBias = bias + h * queries * keys
            for i in 0..<(queries * keys) { scores[i] += headBias[i] }
        }
        for r in 0..<queries {
            let row = scores + r * keys
            let seen: Int
            switch mask {
            case .none:
                seen = keys
            case .causal(let first):
                seen = min(keys, max(0, first + r + 1))
                for j in seen..<keys { row[j] = -.infinity }
            case .keys:
                seen = keys - hidden.count
                for j in hidden { row[j] = -.infinity }
            }
            if seen == 0 {
                row.update(repeating: 0, count: keys)
            } else {
                softmaxInPlace(row, count: keys)
            }
        }
    }
}
