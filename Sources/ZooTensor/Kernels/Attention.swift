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
    /// The intermediate tensors of the model's last forward pass over this cache, which the next pass of as many
    /// positions reuses: a decode step allocates nothing.
    public var scratch: AnyObject?

    /// A decode step's attention scores (`scores(count:)`).
    private var scoreBuffer = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)

    public init(layers: Int, capacity: Int, width: Int) {
        self.capacity = capacity
        self.width = width
        self.keys = (0..<layers).map { _ in Tensor(zeros: [capacity, width]) }
        self.values = (0..<layers).map { _ in Tensor(zeros: [capacity, width]) }
    }

    deinit { scoreBuffer.deallocate() }

    /// Room for `count` attention scores of a decode step: a row per query head over the capacity for the cache's
    /// own attention, over the input for an encoder-decoder's cross-attention. The buffer grows to the largest count
    /// asked for, on the first steps, and is kept for the next ones.
    public func scores(count: Int) -> UnsafeMutablePointer<Float> {
        if scoreBuffer.count < count {
            scoreBuffer.deallocate()
            scoreBuffer = .allocate(capacity: count)
        }
        return scoreBuffer.baseAddress!
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
    let output = Tensor(uninitialized: [n, heads * headDim])
    causalSelfAttention(q: q, k: k, v: v, stride: stride, rows: n, heads: heads, headDim: headDim, cache: cache,
                        layer: layer, scale: scale, into: output)
    return output
}

/// `causalSelfAttention(...)` written into `output` ([n, heads × headDim]).
public func causalSelfAttention(
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, stride: Int, rows n: Int,
    heads: Int, headDim: Int, cache: KVCache, layer: Int, scale: Float, into output: Tensor
) {
    groupedQueryAttention(q: q, queryStride: stride, k: k, v: v, keyValueStride: stride, rows: n, heads: heads,
                          keyValueHeads: heads, headDim: headDim, cache: cache, layer: layer, scale: scale,
                          into: output)
}
