import CZooFloat

/// The attention of one new position (a decode step) over the whole cache of a layer, fused per head: scores,
/// softmax and the weighted sum of values in one pass of a SIMD kernel, with the heads split across the cores. Its
/// cost is linear in the cache length, and nothing is allocated beyond one scratch row of scores per head.
///
/// `q` holds `heads × headDim` values; query head h reads key/value head h / group of the cache rows `0..<length`,
/// which are `keyValueWidth` floats apart. Writes `heads × headDim` values to `out`.
func singleQueryAttention(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                          length: Int, keyValueWidth: Int, heads: Int, group: Int, headDim: Int, scale: Float,
                          into out: UnsafeMutablePointer<Float>) {
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: heads * length)
    defer { scores.deallocate() }
    // A head over a short cache is too little work to hand to another core.
    let parts = length * headDim >= 16_384 ? heads : 1
    Parallel.forEach(parts: parts) { part in
        for h in (parts == 1 ? 0..<heads : part..<(part + 1)) {
            let keyValueOffset = (h / group) * headDim
            zoo_attend_one(q + h * headDim, keys + keyValueOffset, values + keyValueOffset, length, keyValueWidth,
                           headDim, scale, scores + h * length, out + h * headDim)
        }
    }
}
