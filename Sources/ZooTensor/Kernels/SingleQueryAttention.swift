import CZooFloat

/// The attention of one new position (a decode step) over `length` key and value rows, fused per key/value head:
/// scores, softmax and the weighted sum of values in one pass of a SIMD kernel for all the query heads that share
/// it, which reads its keys and values once, with the key/value heads split across the cores. Its cost is linear in
/// the cache length.
///
/// `q` holds `heads × headDim` values; query head h reads key/value head h / group of the rows `0..<length`, which
/// are `keyValueWidth` floats apart. `bias`, when given, holds [heads, length] values added to the scaled scores
/// (T5's relative positions). `scores` has room for a row of `length` scores per head. Writes `heads × headDim`
/// values to `out`.
func singleQueryAttention(
    q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, length: Int, keyValueWidth: Int,
    heads: Int, group: Int = 1, headDim: Int, scale: Float, bias: UnsafePointer<Float>? = nil,
    scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>
) {
    let loop = KeyValueHeadAttention(q: q, keys: keys, values: values, length: length, keyValueWidth: keyValueWidth,
                                     group: group, headDim: headDim, scale: scale, bias: bias, scores: scores,
                                     out: out)
    // A part takes enough heads for `partWork` multiply-adds of scores, more than handing it to another core costs:
    // one head each over a long cache, a few heads each over a shorter one, all on one core over a short one.
    let keyValueHeads = heads / group, headWork = max(length * headDim * group, 1)
    Parallel.forRanges(keyValueHeads, minimum: (partWork + headWork - 1) / headWork, loop)
}

private let partWork = 16_384

/// A range of the key/value heads of `singleQueryAttention`, each with its group of query heads.
private struct KeyValueHeadAttention: RangeLoop {
    let q, keys, values: UnsafePointer<Float>
    let length, keyValueWidth, group, headDim: Int
    let scale: Float
    let bias: UnsafePointer<Float>?
    let scores, out: UnsafeMutablePointer<Float>

    func callAsFunction(_ keyValueHeads: Range<Int>) {
        for k in keyValueHeads {
            let first = k * group  // its first query head
            zoo_attend_group(q + first * headDim, group, keys + k * headDim, values + k * headDim, length,
                             keyValueWidth, headDim, scale, bias.map { $0 + first * length },
                             scores + first * length, out + first * headDim)
        }
    }
}
