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
    if n == 1 {
        let output = Tensor(zeros: [1, width])
        singleQueryAttention(q: q, keys: keyCache, values: valueCache, length: total, keyValueWidth: width,
                             heads: heads, group: 1, headDim: headDim, scale: scale, into: output.mutableData)
        return output
    }
    // Row r is position start + r: it sees positions 0 ... start + r.
    return biasedAttention(q: q, queryStride: stride, k: keyCache, v: valueCache, keyValueStride: width, rows: n,
                           keyRows: total, heads: heads, headDim: headDim, scale: scale, causalOffset: start)
}
