import COpenBLAS

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
    precondition(keyValueHeads > 0 && heads % keyValueHeads == 0,
                 "attention: \(heads) query heads do not divide into \(keyValueHeads) key/value heads")
    let width = heads * headDim, keyValueWidth = keyValueHeads * headDim
    let start = cache.length
    precondition(keyValueWidth == cache.width && start + n <= cache.capacity,
                 "attention: cache too small or wrong width")
    let keyCache = cache.keys[layer].mutableData, valueCache = cache.values[layer].mutableData
    for r in 0..<n {
        (keyCache + (start + r) * keyValueWidth).update(from: k + r * keyValueStride, count: keyValueWidth)
        (valueCache + (start + r) * keyValueWidth).update(from: v + r * keyValueStride, count: keyValueWidth)
    }
    let total = start + n
    let group = heads / keyValueHeads
    let output = Tensor(zeros: [n, width])
    if n == 1 {
        singleQueryAttention(q: q, keys: keyCache, values: valueCache, length: total, keyValueWidth: keyValueWidth,
                             heads: heads, group: group, headDim: headDim, scale: scale, into: output.mutableData)
        return output
    }
    // One part per query head, split across the cores, each with its own scores.
    Parallel.forEach(parts: heads, work: 2 * heads * n * total * headDim) { h in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: n * total) { scores in
            let s = scores.baseAddress!
            let queryOffset = h * headDim, keyValueOffset = (h / group) * headDim
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(total), Int32(headDim), scale,
                        q + queryOffset, Int32(queryStride), keyCache + keyValueOffset, Int32(keyValueWidth),
                        0, s, Int32(total))
            for r in 0..<n {
                let row = s + r * total
                // Row r is position start + r: it sees positions 0 ... start + r.
                for j in (start + r + 1)..<total { row[j] = -.infinity }
                softmaxInPlace(row, count: total)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(headDim), Int32(total), 1,
                        s, Int32(total), valueCache + keyValueOffset, Int32(keyValueWidth),
                        0, output.mutableData + queryOffset, Int32(width))
        }
    }
    return output
}
