import COpenBLAS

/// Multi-head attention of `n` query rows over `m` key/value rows, with an optional additive bias on the scores
/// (T5's relative positions) and an optional causal limit: the one kernel of encoder-decoder models, which use it
/// for the encoder's self-attention (n = m), the decoder's cached self-attention and its cross-attention, and
/// of decoder-only models' causal self-attention over several new positions.
///
/// `q` points at `n` rows `queryStride` floats apart, `k` and `v` at `m` rows `keyValueStride` apart; each row holds
/// `heads × headDim` values, heads side by side. `bias`, when given, holds [heads, n, m] values added to the scaled
/// scores. With `causalOffset` c, query row r is position c + r and sees keys 0 ... c + r only. Returns
/// [n, heads × headDim].
public func biasedAttention(
    q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keyValueStride: Int,
    rows n: Int, keyRows m: Int, heads: Int, headDim: Int, scale: Float, bias: UnsafePointer<Float>? = nil,
    causalOffset: Int? = nil
) -> Tensor {
    let width = heads * headDim
    precondition(causalOffset.map { $0 + n <= m } ?? true, "attention: causal rows past the keys")
    let output = Tensor(zeros: [n, width])
    let scores = Tensor(zeros: [n, m])
    let s = scores.mutableData
    for h in 0..<heads {
        let offset = h * headDim
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(m), Int32(headDim), scale,
                    q + offset, Int32(queryStride), k + offset, Int32(keyValueStride), 0, s, Int32(m))
        for r in 0..<n {
            let row = s + r * m
            if let bias {
                let biasRow = bias + (h * n + r) * m
                for j in 0..<m { row[j] += biasRow[j] }
            }
            if let causalOffset {
                for j in (causalOffset + r + 1)..<m { row[j] = -.infinity }
            }
            softmaxInPlace(row, count: m)
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(headDim), Int32(m), 1,
                    s, Int32(m), v + offset, Int32(keyValueStride), 0, output.mutableData + offset, Int32(width))
    }
    return output
}
