import COpenBLAS

/// Multi-head attention of `n` query rows over `m` key/value rows, with an optional additive bias on the scores
/// (T5's relative positions) and an optional causal limit: the one kernel of encoder-decoder models, which use it
/// for the encoder's self-attention (n = m), the decoder's cached self-attention and its cross-attention, and
/// of decoder-only models' causal self-attention over several new positions.
///
/// `q` points at `n` rows `queryStride` floats apart, each holding `heads × headDim` values, heads side by side; `k`
/// and `v` at `m` rows `keyValueStride` apart, each holding `heads / group` heads: query head h reads key/value head
/// h / group (grouped-query attention; `group` is 1 for ordinary multi-head attention). `bias`, when given, holds
/// [heads, n, m] values added to the scaled scores. With `causalOffset` c, query row r is position c + r and sees
/// keys 0 ... c + r only. Returns [n, heads × headDim].
public func biasedAttention(
    q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keyValueStride: Int,
    rows n: Int, keyRows m: Int, heads: Int, group: Int = 1, headDim: Int, scale: Float,
    bias: UnsafePointer<Float>? = nil, causalOffset: Int? = nil
) -> Tensor {
    let output = Tensor(uninitialized: [n, heads * headDim])
    biasedAttention(q: q, queryStride: queryStride, k: k, v: v, keyValueStride: keyValueStride, rows: n, keyRows: m,
                    heads: heads, group: group, headDim: headDim, scale: scale, bias: bias,
                    causalOffset: causalOffset, into: output)
    return output
}

/// `biasedAttention(...)` written into `output` ([n, heads × headDim]). Given `scores`, room for heads × m floats
/// that a decode step keeps from one step to the next, one query row (a decode step, which sees every key) runs
/// the fused single-query kernel, allocating nothing.
public func biasedAttention(
    q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keyValueStride: Int,
    rows n: Int, keyRows m: Int, heads: Int, group: Int = 1, headDim: Int, scale: Float,
    bias: UnsafePointer<Float>? = nil, causalOffset: Int? = nil, scores: UnsafeMutablePointer<Float>? = nil,
    into output: Tensor
) {
    let width = heads * headDim
    precondition(causalOffset.map { $0 + n <= m } ?? true, "attention: causal rows past the keys")
    precondition(output.count == n * width, "attention: output \(output.shape) is not [\(n), \(width)]")
    if n == 1, let scores {
        return singleQueryAttention(q: q, keys: k, values: v, length: m, keyValueWidth: keyValueStride, heads: heads,
                                    group: group, headDim: headDim, scale: scale, bias: bias, scores: scores,
                                    into: output.mutableData)
    }
    // With a causal limit, a block of query rows needs only the keys its last row sees: a long prompt's attention
    // skips nearly half of its products (44% at 1024 tokens).
    let block = causalOffset == nil ? n : causalRowBlock
    let blocks = (n + block - 1) / block
    // One part per head and block of rows, split across the cores, each with its own scores.
    Parallel.forEach(parts: heads * blocks, work: 2 * heads * n * m * headDim) { part in
        let h = part / blocks, first = (part % blocks) * block
        let offset = h * headDim, keyValueOffset = (h / group) * headDim
        let rows = min(block, n - first)
        let keys = causalOffset.map { min(m, $0 + first + rows) } ?? m
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * keys) { scores in
            let s = scores.baseAddress!
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(keys), Int32(headDim), scale,
                        q + first * queryStride + offset, Int32(queryStride), k + keyValueOffset,
                        Int32(keyValueStride), 0, s, Int32(keys))
            for r in 0..<rows {
                let row = s + r * keys
                if let bias {
                    let biasRow = bias + (h * n + first + r) * m
                    for j in 0..<keys { row[j] += biasRow[j] }
                }
                if let causalOffset {
                    for j in (causalOffset + first + r + 1)..<keys { row[j] = -.infinity }
                }
                softmaxInPlace(row, count: keys)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(headDim), Int32(keys), 1,
                        s, Int32(keys), v + keyValueOffset, Int32(keyValueStride), 0,
                        output.mutableData + first * width + offset, Int32(width))
        }
    }
}

/// Query rows per block of causal attention: large enough for efficient matrix products, small enough to skip most
/// of the hidden keys.
private let causalRowBlock = 128
