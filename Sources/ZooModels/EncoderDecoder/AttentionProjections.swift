import ZooTensor

/// The four projections of one multi-head attention (query, key, value, output), with or without biases, and the
/// three ways an encoder-decoder runs them: the encoder's self-attention, the decoder's cached causal
/// self-attention, and the decoder's cross-attention to the encoder's output.
///
/// Canonical names: `<prefix>.q`, `.k`, `.v` ([heads × headDim, width]) and `.out` ([width, heads × headDim]), each
/// `.weight` and, with biases, `.bias`.
struct AttentionProjections {
    let query, key, value, output: Tensor
    let queryBias, keyBias, valueBias, outputBias: Tensor?
    let heads: Int
    let headDim: Int
    /// The factor on the query-key products: 1/√headDim in BART, 1 in T5 (folded into its weights).
    let scale: Float

    init(_ prefix: String, weights: any WeightStore, biases: Bool, heads: Int, headDim: Int, scale: Float) throws {
        func load(_ name: String) throws -> Tensor { try weights.tensor("\(prefix).\(name)").float32() }
        func matrix(_ name: String) throws -> Tensor { try weights.productMatrix("\(prefix).\(name)") }
        func bias(_ name: String) throws -> Tensor? { biases ? try load(name + ".bias") : nil }
        query = try matrix("q.weight")
        key = try matrix("k.weight")
        value = try matrix("v.weight")
        output = try matrix("out.weight")
        queryBias = try bias("q")
        keyBias = try bias("k")
        valueBias = try bias("v")
        outputBias = try bias("out")
        self.heads = heads
        self.headDim = headDim
        self.scale = scale
    }

    /// The shapes of the projections under `prefix`, for an architecture's `tensorShapes`.
    static func shapes(_ prefix: String, width: Int, inner: Int, biases: Bool) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for name in ["q", "k", "v"] {
            shapes["\(prefix).\(name).weight"] = [inner, width]
            if biases { shapes["\(prefix).\(name).bias"] = [inner] }
        }
        shapes["\(prefix).out.weight"] = [width, inner]
        if biases { shapes["\(prefix).out.bias"] = [width] }
        return shapes
    }

    private var inner: Int { heads * headDim }

    /// Self-attention of every row of `x` ([n, width]) to every other, with an optional [heads, n, n] score bias.
    /// A recorder keeps the probabilities as layer `layer`'s.
    func encoderSelfAttention(_ x: Tensor, bias: Tensor? = nil, recorder: AttentionRecorder? = nil, layer: Int = 0) -> Tensor {
        let n = x.shape[0]
        let q = linear(x, weight: query, bias: queryBias)
        let k = linear(x, weight: key, bias: keyBias)
        let v = linear(x, weight: value, bias: valueBias)
        let attended = biasedAttention(q: q.data, queryStride: inner, k: k.data, v: v.data, keyValueStride: inner,
                                       rows: n, keyRows: n, heads: heads, headDim: headDim, scale: scale,
                                       bias: bias?.data)
        recorder?.record(layer: layer, q: q.data, queryStride: inner, k: k.data, keyStride: inner, headDim: headDim,
                         scale: scale, mask: .none, bias: bias?.data)
        return linear(attended, weight: output, bias: outputBias)
    }

    /// Causal self-attention of the new rows `x` at the positions after those in the caches, whose keys and values
    /// they join (layer `layer`; the caller advances the caches after every layer has run), written into `out`. One
    /// sequence's rows see each other causally, `bias` [heads, n, length + n]; each beam's row sees its own cache,
    /// `bias` [heads, 1, length + 1]. The projections run once for all rows; a row alone over its cache (a decode
    /// step, or a beam) runs the fused single-query attention.
    func decoderSelfAttention(_ x: Tensor, caches: DecoderCaches, layer: Int, bias: UnsafePointer<Float>? = nil,
                              recorder: AttentionRecorder? = nil, buffers b: AttentionBuffers, into out: Tensor) {
        linear(x, weight: query, bias: queryBias, into: b.query)
        linear(x, weight: key, bias: keyBias, into: b.key)
        linear(x, weight: value, bias: valueBias, into: b.value)
        switch caches {
        case .sequence(let cache):
            attend(rows: 0..<x.shape[0], cache: cache, layer: layer, bias: bias, recorder: recorder, buffers: b)
        case .beams(let caches):
            precondition(caches.count == x.shape[0], "decoder: one row per beam")
            for (row, cache) in caches.enumerated() {
                attend(rows: row..<(row + 1), cache: cache, layer: layer, bias: bias, recorder: nil, buffers: b)
            }
        }
        linear(b.attended, weight: output, bias: outputBias, into: out)
    }

    /// Appends the keys and values of `rows` (of the buffers' projections) to `cache` and attends from their queries
    /// over it, causally, into the same rows of `b.attended`.
    private func attend(rows: Range<Int>, cache: KVCache, layer: Int, bias: UnsafePointer<Float>?,
                        recorder: AttentionRecorder?, buffers b: AttentionBuffers) {
        let n = rows.count, start = cache.length, first = rows.lowerBound * inner
        precondition(cache.width == inner && start + n <= cache.capacity, "decoder: cache too small or wrong width")
        let keys = cache.keys[layer].mutableData, values = cache.values[layer].mutableData
        (keys + start * inner).update(from: b.key.data + first, count: n * inner)
        (values + start * inner).update(from: b.value.data + first, count: n * inner)
        let attended = n == b.attended.shape[0] ? b.attended : b.attended.row(rows.lowerBound)
        biasedAttention(q: b.query.data + first, queryStride: inner, k: keys, v: values, keyValueStride: inner,
                        rows: n, keyRows: start + n, heads: heads, headDim: headDim, scale: scale, bias: bias,
                        causalOffset: start, scores: cache.scores(count: heads * cache.capacity), into: attended)
        recorder?.record(layer: layer, q: b.query.data, queryStride: inner, k: keys, keyStride: inner,
                         headDim: headDim, scale: scale, mask: .causal(firstPosition: start), bias: bias)
    }

    /// The keys and values of the encoder's output, which every decoding step's cross-attention reads.
    func keysAndValues(of encoderStates: Tensor) -> (keys: Tensor, values: Tensor) {
        (linear(encoderStates, weight: key, bias: keyBias), linear(encoderStates, weight: value, bias: valueBias))
    }

    /// Attention of the rows `x` to the whole encoder output, whose keys and values are given, written into
    /// `out`. One row (a decode step) runs the fused single-query attention, its scores in the cache's buffer.
    func crossAttention(_ x: Tensor, keys: Tensor, values: Tensor, cache: KVCache, recorder: AttentionRecorder? = nil,
                        layer: Int = 0, buffers b: AttentionBuffers, into out: Tensor) {
        let n = x.shape[0], m = keys.shape[0]
        linear(x, weight: query, bias: queryBias, into: b.query)
        biasedAttention(q: b.query.data, queryStride: inner, k: keys.data, v: values.data, keyValueStride: inner,
                        rows: n, keyRows: m, heads: heads, headDim: headDim, scale: scale,
                        scores: cache.scores(count: heads * m), into: b.attended)
        recorder?.record(layer: layer, q: b.query.data, queryStride: inner, k: keys.data, keyStride: inner,
                         headDim: headDim, scale: scale, mask: .none)
        linear(b.attended, weight: output, bias: outputBias, into: out)
    }
}

/// The tensors of a decoder layer's attention over `rows` new positions, each [rows, heads × headDim]: reused by its
/// self- and cross-attention, and from one decode step to the next.
struct AttentionBuffers {
    let query, key, value, attended: Tensor

    init(rows: Int, width: Int) {
        (query, key, value, attended) = (Tensor(zeros: [rows, width]), Tensor(zeros: [rows, width]),
                                         Tensor(zeros: [rows, width]), Tensor(zeros: [rows, width]))
    }
}
