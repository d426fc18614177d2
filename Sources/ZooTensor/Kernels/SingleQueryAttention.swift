import CZooFloat

/// The attention of one new position (a decode step) over `length` key and value rows, fused per head: scores,
/// softmax and the weighted sum of values in one pass of a SIMD kernel, with the heads split across the cores. Its
/// cost is linear in the cache length.
///
/// `q` holds `heads × headDim` values; query head h reads key/value head h / group of the rows `0..<length`, which
/// are `keyValueWidth` floats apart. `bias`, when given, holds [heads, length] values added to the scaled scores
/// (T5's relative positions). `scores` has room for a row of `length` scores per head. Writes `heads × headDim`
/// values to `out`.
public func singleQueryAttention(
    q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, length: Int, keyValueWidth: Int,
    heads: Int, group: Int = 1, headDim: Int, scale: Float, bias: UnsafePointer<Float>? = nil,
    scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>
) {
    let loop = HeadAttention(q: q, keys: keys, values: values, length: length, keyValueWidth: keyValueWidth,
                             group: group, headDim: headDim, scale: scale, bias: bias, scores: scores, out: out)
    // A head over a short cache is too little work to hand to another core.
    Parallel.forRanges(heads, minimum: length * headDim >= 16_384 ? 1 : heads, loop)
}

/// A range of the heads of `singleQueryAttention`.
private struct HeadAttention: RangeLoop {
    let q, keys, values: UnsafePointer<Float>
    let length, keyValueWidth, group, headDim: Int
    let scale: Float
    let bias: UnsafePointer<Float>?
    let scores, out: UnsafeMutablePointer<Float>

    func callAsFunction(_ heads: Range<Int>) {
        for h in heads {
            let keyValueOffset = (h / group) * headDim
            zoo_attend_one(q + h * headDim, keys + keyValueOffset, values + keyValueOffset, length, keyValueWidth,
                           headDim, scale, bias.map { $0 + h * length }, scores + h * length, out + h * headDim)
        }
    }
}
