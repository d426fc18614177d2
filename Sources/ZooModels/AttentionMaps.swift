import ZooTensor

/// The attention probabilities of one stack of attention layers (a decoder's or an encoder's self-attention, or an
/// encoder-decoder's cross-attention): for every layer and head a matrix whose row q holds what query position q
/// gives each key position, after softmax. Rows sum to 1; keys a query may not see (later positions under a causal
/// mask, padding) hold 0. Models with grouped-query attention have one map per query head.
public struct AttentionMaps: Sendable, Equatable {
    public let layers: Int
    public let heads: Int
    /// Rows of each map: the positions that attend.
    public let queries: Int
    /// Columns of each map: the positions attended to.
    public let keys: Int
    /// [layers, heads, queries, keys], row-major.
    public internal(set) var values: [Float]

    public init(layers: Int, heads: Int, queries: Int, keys: Int, values: [Float]) {
        precondition(values.count == layers * heads * queries * keys,
                     "attention maps: \(values.count) values for \(layers) × \(heads) × \(queries) × \(keys)")
        self.layers = layers
        self.heads = heads
        self.queries = queries
        self.keys = keys
        self.values = values
    }

    /// The map of one head, [queries, keys] row-major.
    public func map(layer: Int, head: Int) -> ArraySlice<Float> {
        precondition(layer >= 0 && layer < layers && head >= 0 && head < heads,
                     "attention maps: layer \(layer), head \(head) outside \(layers) × \(heads)")
        let size = queries * keys, start = (layer * heads + head) * size
        return values[start..<(start + size)]
    }

    public subscript(layer: Int, head: Int, query: Int, key: Int) -> Float {
        values[((layer * heads + head) * queries + query) * keys + key]
    }
}

/// Collects attention maps during a forward pass run to inspect them. A model's forward pass takes an optional
/// recorder and calls it once per attention layer with the queries and keys the layer itself computed; the normal
/// forward pass has none and computes nothing more.
public final class AttentionRecorder {
    /// One set of maps per sequence of the batch.
    public private(set) var maps: [AttentionMaps]

    public init(sequences: Int = 1, layers: Int, heads: Int, queries: Int, keys: Int) {
        let empty = [Float](repeating: 0, count: layers * heads * queries * keys)
        maps = (0..<sequences).map { _ in
            AttentionMaps(layers: layers, heads: heads, queries: queries, keys: keys, values: empty)
        }
    }

    /// Computes and keeps layer `layer`'s maps for `sequence` from its queries and keys, as
    /// `attentionProbabilities` describes them (`keyValueHeads` defaults to one key head per query head).
    public func record(
        layer: Int, sequence: Int = 0, q: UnsafePointer<Float>, queryStride: Int, k: UnsafePointer<Float>,
        keyStride: Int, keyValueHeads: Int? = nil, headDim: Int, scale: Float, mask: AttentionMask,
        bias: UnsafePointer<Float>? = nil
    ) {
        let shape = maps[sequence]
        write(layer: layer, sequence: sequence) { output in
            attentionProbabilities(
                q: q, queryStride: queryStride, k: k, keyStride: keyStride, queries: shape.queries, keys: shape.keys,
                heads: shape.heads, keyValueHeads: keyValueHeads ?? shape.heads, headDim: headDim, scale: scale,
                mask: mask, bias: bias, into: output)
        }
    }

    /// Keeps probabilities a model computed itself for layer `layer` of `sequence`: [heads, queries, keys].
    public func record(layer: Int, sequence: Int = 0, probabilities: UnsafePointer<Float>) {
        let shape = maps[sequence]
        write(layer: layer, sequence: sequence) { $0.update(from: probabilities, count: shape.heads * shape.queries * shape.keys) }
    }

    private func write(layer: Int, sequence: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        precondition(sequence >= 0 && sequence < maps.count && layer >= 0 && layer < maps[sequence].layers,
                     "attention recorder: layer \(layer) of sequence \(sequence) out of range")
        let size = maps[sequence].heads * maps[sequence].queries * maps[sequence].keys
        maps[sequence].values.withUnsafeMutableBufferPointer { buffer in
            body(buffer.baseAddress! + layer * size)
        }
    }
}

/// A model that shows where its attention heads look.
public protocol AttentionInspectable: LanguageModel {
    /// The self-attention maps of `tokens` run as one sequence from the first position, [layers, heads, n, n]; for
    /// an encoder-decoder, its encoder's.
    func selfAttention(_ tokens: [Int]) -> AttentionMaps
}

/// An encoder that shows its attention over a padded batch, as transformers' `output_attentions` does.
public protocol EncoderAttentionInspectable: EncoderModel, AttentionInspectable {
    /// One set of maps per sequence, [layers, heads, length, length] over the padded length: padding keys get 0,
    /// padding queries attend like the others (their rows mean nothing).
    func attention(_ input: EncoderInput) -> [AttentionMaps]
}

extension EncoderAttentionInspectable {
    public func selfAttention(_ tokens: [Int]) -> AttentionMaps {
        attention(EncoderInput(sequences: [tokens], padding: paddingTokenID))[0]
    }
}

/// The attention of an encoder-decoder over one source and one target sequence.
public struct EncoderDecoderAttention: Sendable, Equatable {
    /// The encoder's self-attention, [layers, heads, source, source].
    public let encoder: AttentionMaps
    /// The decoder's causal self-attention, [layers, heads, target, target].
    public let decoder: AttentionMaps
    /// The decoder's attention over the encoder's output, [layers, heads, target, source].
    public let cross: AttentionMaps

    public init(encoder: AttentionMaps, decoder: AttentionMaps, cross: AttentionMaps) {
        self.encoder = encoder
        self.decoder = decoder
        self.cross = cross
    }
}

/// An encoder-decoder that shows its decoder's self-attention and its cross-attention too.
public protocol CrossAttentionInspectable: AttentionInspectable {
    /// The attention of the encoder over `source` and of the decoder over `target`, the decoder's input ids (its
    /// start token first), as one teacher-forced pass.
    func attention(source: [Int], target: [Int]) -> EncoderDecoderAttention
}

/// A decoder-only model whose forward pass records its attention when given a recorder (GPT-2, Llama).
protocol AttentionRecordingDecoder: CausalLanguageModel, AttentionInspectable {
    var layerCount: Int { get }
    /// Query heads per layer.
    var attentionHeads: Int { get }
    /// The forward pass, which with a recorder also records the maps of every layer: the tokens' attention over
    /// themselves, so the cache must be empty.
    func forward(_ tokens: [Int], cache: KVCache, allPositions: Bool, recorder: AttentionRecorder?) -> Tensor
}

extension AttentionRecordingDecoder {
    public func selfAttention(_ tokens: [Int]) -> AttentionMaps {
        precondition(!tokens.isEmpty && tokens.count <= contextLength,
                     "attention: \(tokens.count) tokens, the model takes 1 to \(contextLength)")
        let recorder = AttentionRecorder(layers: layerCount, heads: attentionHeads, queries: tokens.count,
                                         keys: tokens.count)
        _ = forward(tokens, cache: makeCache(capacity: tokens.count), allPositions: false, recorder: recorder)
        return recorder.maps[0]
    }
}
