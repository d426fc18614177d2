import COpenBLAS

/// Keys and values of the positions seen so far, per layer, so that each new token attends to the past without
/// recomputing it. Rows are positions; each row holds all heads side by side.
public final class KVCache {
    public let capacity: Int
    public let width: Int
    public private(set) var keys: [Tensor]
    public private(set) var values: [Tensor]
    /// How many positions are stored.
    public var length = 0

    public init(layers: Int, capacity: Int, width: Int) {
        self.capacity = capacity
        self.width = width
        self.keys = (0..<layers).map { _ in Tensor(zeros: [capacity, width]) }
        self.values = (0..<layers).map { _ in Tensor(zeros: [capacity, width]) }
    }
}

/// Causal multi-head self-attention for `n` new positions, starting at position `cache.length`.
///
/// `q`, `k` and `v` point at row-major matrices of `n` rows with row strides `stride` (so a fused qkv projection
/// can be read in place); each row holds `heads × headDim` values. The new keys and values are appended to the
/// cache of `layer` (the caller advances `cache.length` once every layer has run). Returns [n, heads × headDim].
public func causalSelfAttention(
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, stride: Int, rows n: Int,
    heads: Int, headDim: Int, cache: KVCache, layer: Int, scale: Float
) -> Tensor {
    let width = heads * headDim
    let start = cache.length
    precondition(width == cache.width && start + n <= cache.capacity, "attention: cache too small or wrong width")
    let keyCache = cache.keys[layer].mutableData, valueCache = cache.values[layer].mutableData
    for r in 0..<n {
        (keyCache + (start + r) * width).update(from: k + r * stride, count: width)
        (valueCache + (start + r) * width).update(from: v + r * stride, count: width)
    }
    let total = start + n
    let output = Tensor(zeros: [n, width])
    if n == 1 {
        singleQueryAttention(q: q, keys: keyCache, values: valueCache, length: total, keyValueWidth: width,
                             heads: heads, group: 1, headDim: headDim, scale: scale, into: output.mutableData)
        return output
    }
    let scores = Tensor(zeros: [n, total])
    let s = scores.mutableData
    for h in 0..<heads {
        let offset = h * headDim
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(total), Int32(headDim), scale,
                    q + offset, Int32(stride), keyCache + offset, Int32(width), 0, s, Int32(total))
        for r in 0..<n {
            let row = s + r * total
            // Row r is position start + r: it sees positions 0 ... start + r.
            let visible = start + r + 1
            for j in visible..<total { row[j] = -.infinity }
            softmaxInPlace(row, count: total)
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(headDim), Int32(total), 1,
                    s, Int32(total), valueCache + offset, Int32(width), 0, output.mutableData + offset, Int32(width))
    }
    return output
}
