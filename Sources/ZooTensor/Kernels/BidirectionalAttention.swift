import COpenBLAS

/// Multi-head self-attention over a batch of padded sequences, as an encoder computes it: every position sees
/// every position of its own sequence that is not padding, before and after it.
///
/// `q`, `k` and `v` point at row-major matrices of `batch × length` rows (sequence b is rows b·length ..< (b+1)·length)
/// with row strides `stride`; each row holds `heads × headDim` values, heads side by side. `keyMask` has one entry
/// per row, false at padding: no position attends to a padding key. Returns [batch × length, heads × headDim]; rows
/// at padding are computed like the others and mean nothing. A sequence that is all padding gives zero rows.
public func bidirectionalAttention(
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, stride: Int,
    batch: Int, length: Int, heads: Int, headDim: Int, keyMask: [Bool], scale: Float
) -> Tensor {
    let width = heads * headDim
    precondition(keyMask.count == batch * length, "attention: \(keyMask.count) mask entries for \(batch) × \(length) rows")
    let output = Tensor(zeros: [batch * length, width])
    let masks = (0..<batch).map { b in (0..<length).filter { !keyMask[b * length + $0] } }
    // One part per sequence and head, split across the cores, each with its own scores.
    Parallel.forEach(parts: batch * heads, work: 2 * batch * heads * length * length * headDim) { part in
        let b = part / heads, h = part % heads
        let first = b * length, masked = masks[b]
        guard masked.count < length else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: length * length) { scores in
            let s = scores.baseAddress!
            let offset = first * stride + h * headDim
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(length), Int32(length), Int32(headDim), scale,
                        q + offset, Int32(stride), k + offset, Int32(stride), 0, s, Int32(length))
            for r in 0..<length {
                let row = s + r * length
                for j in masked { row[j] = -.infinity }
                softmaxInPlace(row, count: length)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(length), Int32(headDim), Int32(length), 1,
                        s, Int32(length), v + offset, Int32(stride), 0,
                        output.mutableData + first * width + h * headDim, Int32(width))
        }
    }
    return output
}
