/// Causal self-attention where groups of query heads share one key/value head (grouped-query attention,
/// Ainslie et al., 2023), for `n` new positions starting at position `cache.length`. With as many key/value heads
/// as query heads it is ordinary multi-head attention; with one, multi-query attention.
///
/// `q` points at `n` rows `queryStride` floats apart, each holding `heads × headDim` values; `k` and `v` at `n` rows
/// `keyValueStride` apart, each holding `keyValueHeads × headDim` values. Query head h reads key/value head
/// h / (heads / keyValueHeads). The new keys and values are appended to the cache of `layer`, whose width is
/// `keyValueHeads × headDim` (the caller advances `cache.length` once every layer has run).
/// Returns [n, heads × headDim].
public func groupedQueryAttention(
    q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keyValueStride: Int,
    rows n: Int, heads: Int, keyValueHeads: Int, headDim: Int, cache: KVCache, layer: Int, scale: Float
) -> Tensor {
    let output = Tensor(uninitialized: [n, heads * headDim])
    groupedQueryAttention(q: q, queryStride: queryStride, k: k, v: v, keyValueStride: keyValueStride, rows: n,
                          heads: heads, keyValueHeads: keyValueHeads, headDim: headDim, cache: cache, layer: layer,
                          scale: scale, into: output)
    return output
}

/// `groupedQueryAttention(...)` written into `output` ([n, heads × headDim]).
public func groupedQueryAttention(
    q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keyValueStride: Int,
    rows n: Int, heads: Int, keyValueHeads: Int, headDim: Int, cache: KVCache, layer: Int, scale: Float,
    into output: Tensor
) {
    precondition(keyValueHeads > 0 && heads % keyValueHeads == 0,
                 "attention: \(heads) query heads do not divide into \(keyValueHeads) key/value heads")
    let keyValueWidth = keyValueHeads * headDim
    let start = cache.length
    precondition(keyValueWidth == cache.width && start + n <= cache.capacity,
                 "attention: cache too small or wrong width")
    let keyCache = cache.keys[layer].mutableData, valueCache = cache.values[layer].mutableData
    for r in 0..<n {
        (keyCache + (start + r) * keyValueWidth).update(from: k + r * keyValueStride, count: keyValueWidth)
        (valueCache + (start + r) * keyValueWidth).update(from: v + r * keyValueStride, count: keyValueWidth)
    }
    // Row r is position start + r: it sees positions 0 ... start + r.
    biasedAttention(q: q, queryStride: queryStride, k: keyCache, v: valueCache, keyValueStride: keyValueWidth, rows: n,
                    keyRows: start + n, heads: heads, group: heads / keyValueHeads, headDim: headDim, scale: scale,
                    causalOffset: start, scores: cache.scores(count: heads * cache.capacity), into: output)
}
