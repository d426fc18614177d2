import Foundation
import ZooTensor

/// T5 (Raffel et al., 2019) and its v1.1 / Flan-T5 variants: an encoder and a decoder of pre-norm layers with RMS
/// norms without bias, attention without scaling whose scores get a learned bias per relative-position bucket (one
/// table per stack, in its first layer, shared by all its layers; bidirectional in the encoder, causal in the
/// decoder), a ReLU feed-forward (v1.0) or a gated one (v1.1's gated-gelu), and a shared token embedding. A head tied
/// to that embedding reads the decoder's output rescaled by d_model^-0.5.
public struct T5: Architecture {
    public static let modelTypes = ["t5"]

    /// The Hugging Face T5Config keys Zoo uses.
    public struct Config: Decodable, Sendable {
        var vocab_size: Int
        var d_model: Int
        var d_kv: Int
        var d_ff: Int
        var num_layers: Int
        var num_decoder_layers: Int?
        var num_heads: Int
        var relative_attention_num_buckets: Int?
        var relative_attention_max_distance: Int?
        var layer_norm_epsilon: Float?
        var feed_forward_proj: String?
        var tie_word_embeddings: Bool?
        /// Written by transformers 5, which ties the head always and keeps the rescale as this flag.
        var scale_decoder_outputs: Bool?
        /// The encoder's length limit, when the config gives one (T5's original configs say n_positions).
        var n_positions: Int?
        var max_position_embeddings: Int?
    }

    public let config: Config
    let activation: Activation
    let gated: Bool
    let tied: Bool
    let rescalesOutput: Bool

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        func check(_ condition: Bool, _ message: String) throws(ModelError) {
            if !condition { throw ModelError(path: file.path, message: message) }
        }
        try check(config.vocab_size > 0 && config.d_model > 0 && config.d_kv > 0 && config.d_ff > 0
                      && config.num_layers > 0 && (config.num_decoder_layers ?? 1) > 0 && config.num_heads > 0,
                  "vocab_size, d_model, d_kv, d_ff, num_heads and the layer counts must be positive")
        try check((config.relative_attention_num_buckets ?? 32) >= 4 && (config.relative_attention_max_distance ?? 128) > 1,
                  "relative_attention_num_buckets must be at least 4 and relative_attention_max_distance above 1")
        // "relu", "gelu", ...: one activation; "gated-<activation>": the gated feed-forward. "gated-gelu" is the
        // tanh GELU of the v1.1 checkpoints, as transformers reads it.
        let projection = config.feed_forward_proj ?? "relu"
        let parts = projection.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let gated = parts.count == 2 && parts[0] == "gated"
        let activationName = projection == "gated-gelu" ? "gelu_new" : parts.last!
        guard parts.count == 1 || gated, let activation = Activation(huggingFaceName: activationName) else {
            throw ModelError(path: file.path, message: "unsupported feed_forward_proj \"\(projection)\" (Zoo runs \"<activation>\" or \"gated-<activation>\" with one of: \(Activation.huggingFaceNames.joined(separator: ", ")))")
        }
        self.config = config
        self.activation = activation
        self.gated = gated
        self.tied = config.tie_word_embeddings ?? true
        self.rescalesOutput = config.scale_decoder_outputs ?? tied
    }

    var width: Int { config.d_model }
    var inner: Int { config.num_heads * config.d_kv }
    var decoderLayers: Int { config.num_decoder_layers ?? config.num_layers }
    var buckets: Int { config.relative_attention_num_buckets ?? 32 }

    public var tensorShapes: [String: [Int]] {
        var shapes = ["token_embedding.weight": [config.vocab_size, width]]
        for (stack, layers) in [("encoder", config.num_layers), ("decoder", decoderLayers)] {
            shapes["\(stack).relative_attention_bias.weight"] = [buckets, config.num_heads]
            shapes["\(stack).final_norm.weight"] = [width]
            for i in 0..<layers {
                let block = "\(stack).blocks.\(i)."
                let attentions = stack == "encoder" ? ["attn"] : ["self_attn", "cross_attn"]
                for attention in attentions {
                    shapes.merge(AttentionProjections.shapes(block + attention, width: width, inner: inner, biases: false)) { $1 }
                }
                shapes.merge(FeedForward.shapes(block + "mlp", width: width, inner: config.d_ff, gated: gated,
                                                biases: false)) { $1 }
                for norm in stack == "encoder" ? ["norm1", "norm2"] : ["norm1", "norm2", "norm3"] {
                    shapes[block + norm + ".weight"] = [width]
                }
            }
        }
        if !tied { shapes["lm_head.weight"] = [config.vocab_size, width] }
        return shapes
    }

    /// Hugging Face names of T5ForConditionalGeneration.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        switch name {
        case "lm_head.weight": return HuggingFaceNames.outputHead(tied: tied)
        case "shared.weight": return .tensor("token_embedding.weight", .none)
        case "encoder.embed_tokens.weight", "decoder.embed_tokens.weight": return .skip("tied to shared.weight")
        case "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight":
            return .skip("cross-attention has no position bias (transformers ignores this tensor too)")
        default: break
        }
        for (stack, layers) in [("encoder", config.num_layers), ("decoder", decoderLayers)] {
            let inStack = HuggingFaceNames.local(name, prefix: stack + ".")
            guard inStack != name else { continue }
            if inStack == "final_layer_norm.weight" { return .tensor("\(stack).final_norm.weight", .none) }
            if inStack == "block.0.layer.0.SelfAttention.relative_attention_bias.weight" {
                return .tensor("\(stack).relative_attention_bias.weight", .none)
            }
            guard let (layer, rest) = HuggingFaceNames.block(inStack, container: "block", count: layers) else {
                return .unknown
            }
            return HuggingFaceNames.module(rest, in: "\(stack).blocks.\(layer).",
                                           modules: stack == "encoder" ? encoderModules : decoderModules)
        }
        return .unknown
    }

    /// The feed-forward's modules inside the layer `index` of a block.
    private func feedForwardModules(layer index: Int) -> [String: String] {
        let prefix = "layer.\(index).DenseReluDense."
        return gated
            ? [prefix + "wi_0": "mlp.gate", prefix + "wi_1": "mlp.up", prefix + "wo": "mlp.down"]
            : [prefix + "wi": "mlp.up", prefix + "wo": "mlp.down"]
    }

    private var encoderModules: [String: String] {
        [
            "layer.0.SelfAttention.q": "attn.q", "layer.0.SelfAttention.k": "attn.k",
            "layer.0.SelfAttention.v": "attn.v", "layer.0.SelfAttention.o": "attn.out",
            "layer.0.layer_norm": "norm1", "layer.1.layer_norm": "norm2",
        ].merging(feedForwardModules(layer: 1)) { $1 }
    }

    private var decoderModules: [String: String] {
        [
            "layer.0.SelfAttention.q": "self_attn.q", "layer.0.SelfAttention.k": "self_attn.k",
            "layer.0.SelfAttention.v": "self_attn.v", "layer.0.SelfAttention.o": "self_attn.out",
            "layer.0.layer_norm": "norm1",
            "layer.1.EncDecAttention.q": "cross_attn.q", "layer.1.EncDecAttention.k": "cross_attn.k",
            "layer.1.EncDecAttention.v": "cross_attn.v", "layer.1.EncDecAttention.o": "cross_attn.out",
            "layer.1.layer_norm": "norm2", "layer.2.layer_norm": "norm3",
        ].merging(feedForwardModules(layer: 2)) { $1 }
    }

    public func exportName(forCanonicalName name: String) -> ExportName? {
        guard tensorShapes[name] != nil else { return nil }
        switch name {
        case "lm_head.weight": return ExportName(name)
        case "token_embedding.weight": return ExportName("shared.weight")
        default: break
        }
        for (stack, layers) in [("encoder", config.num_layers), ("decoder", decoderLayers)] {
            let inStack = HuggingFaceNames.local(name, prefix: stack + ".")
            guard inStack != name else { continue }
            switch inStack {
            case "final_norm.weight": return ExportName("\(stack).final_layer_norm.weight")
            case "relative_attention_bias.weight":
                return ExportName("\(stack).block.0.layer.0.SelfAttention.relative_attention_bias.weight")
            default:
                return HuggingFaceNames.blockExportName(inStack, count: layers, modules: stack == "encoder"
                    ? encoderModules : decoderModules, under: "\(stack).block.")
            }
        }
        return nil
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try T5Model(self, weights: weights)
    }
}

/// A T5 ready to run, its weights in float32 (matrices marked for bfloat16 activations as stored).
final class T5Model: OutputHeadEncoderDecoder {
    struct EncoderLayer {
        let attention: AttentionProjections
        let norm1, norm2: Tensor
        let mlp: FeedForward
    }

    struct DecoderLayer {
        let attention: DecoderAttention
        let norm1, norm2, norm3: Tensor
        let mlp: FeedForward
    }

    let architecture: T5
    let tokenEmbedding: Tensor
    let outputHead: OutputHead
    let encoderBias, decoderBias: RelativePositionBias
    let encoderFinalNorm, decoderFinalNorm: Tensor
    let encoderLayers: [EncoderLayer]
    let decoderLayers: [DecoderLayer]

    var vocabularySize: Int { architecture.config.vocab_size }
    var maxInputLength: Int? { architecture.config.n_positions ?? architecture.config.max_position_embeddings }
    var encoderLayerCount: Int { encoderLayers.count }
    var decoderLayerCount: Int { decoderLayers.count }
    var encoderHeads: Int { architecture.config.num_heads }
    var decoderHeads: Int { architecture.config.num_heads }
    var maxOutputLength: Int? { nil }
    var epsilon: Float { architecture.config.layer_norm_epsilon ?? 1e-6 }

    init(_ architecture: T5, weights: any WeightStore) throws {
        self.architecture = architecture
        let config = architecture.config
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        tokenEmbedding = try load("token_embedding.weight")
        outputHead = OutputHead(weight: architecture.tied ? tokenEmbedding : try load("lm_head.weight"))
        let maxDistance = config.relative_attention_max_distance ?? 128
        encoderBias = RelativePositionBias(table: try load("encoder.relative_attention_bias.weight"),
                                           bidirectional: true, maxDistance: maxDistance)
        decoderBias = RelativePositionBias(table: try load("decoder.relative_attention_bias.weight"),
                                           bidirectional: false, maxDistance: maxDistance)
        encoderFinalNorm = try load("encoder.final_norm.weight")
        decoderFinalNorm = try load("decoder.final_norm.weight")
        // T5 folds the 1/√d_kv of attention into its weights: the scores are not scaled.
        func attention(_ prefix: String) throws -> AttentionProjections {
            try AttentionProjections(prefix, weights: weights, biases: false, heads: config.num_heads,
                                     headDim: config.d_kv, scale: 1)
        }
        func mlp(_ prefix: String) throws -> FeedForward {
            try FeedForward(prefix, weights: weights, gated: architecture.gated, biases: false,
                            activation: architecture.activation)
        }
        encoderLayers = try (0..<config.num_layers).map { i in
            let p = "encoder.blocks.\(i)."
            return EncoderLayer(attention: try attention(p + "attn"), norm1: try load(p + "norm1.weight"),
                                norm2: try load(p + "norm2.weight"), mlp: try mlp(p + "mlp"))
        }
        decoderLayers = try (0..<architecture.decoderLayers).map { i in
            let p = "decoder.blocks.\(i)."
            return DecoderLayer(
                attention: DecoderAttention(selfAttention: try attention(p + "self_attn"),
                                            crossAttention: try attention(p + "cross_attn")),
                norm1: try load(p + "norm1.weight"), norm2: try load(p + "norm2.weight"),
                norm3: try load(p + "norm3.weight"), mlp: try mlp(p + "mlp"))
        }
    }

    func encode(_ ids: [Int], recorder: AttentionRecorder?) -> EncodedInput {
        let x = embeddingLookup(tokenEmbedding, ids: ids)
        let bias = encoderBias(queries: 0..<ids.count, keys: ids.count)
        for (i, layer) in encoderLayers.enumerated() {
            addInPlace(x, layer.attention.encoderSelfAttention(rmsNorm(x, weight: layer.norm1, epsilon: epsilon),
                                                                bias: bias, recorder: recorder, layer: i))
            addInPlace(x, layer.mlp(rmsNorm(x, weight: layer.norm2, epsilon: epsilon)))
        }
        let states = rmsNorm(x, weight: encoderFinalNorm, epsilon: epsilon)
        return EncodedInput(hiddenStates: states, decoderLayers: decoderLayers.map(\.attention))
    }

    func makeDecoderState(for input: EncodedInput, capacity: Int) -> DecoderState {
        DecoderState(input: input, layers: decoderLayers.count, capacity: capacity, width: architecture.inner)
    }

    /// The tensors of a decoding pass over `rows` new positions.
    final class DecoderBuffers: HeadInputBuffers {
        let rows: Int
        let x, h, projected: Tensor  // [rows, width]
        let attention: AttentionBuffers
        let hidden: Tensor, upOutput: Tensor?  // [rows, d_ff]
        let bias: Tensor  // [heads, rows, keys] for up to `capacity` keys
        var logits: ReturnedTensor  // [1, vocabulary]

        init(rows: Int, capacity: Int, model: T5Model) {
            let a = model.architecture, config = a.config
            func tensor(_ width: Int) -> Tensor { Tensor(zeros: [rows, width]) }
            self.rows = rows
            (x, h, projected) = (tensor(a.width), tensor(a.width), tensor(a.width))
            attention = AttentionBuffers(rows: rows, width: a.inner)
            hidden = tensor(config.d_ff)
            upOutput = a.gated ? tensor(config.d_ff) : nil
            bias = Tensor(zeros: [config.num_heads * rows * capacity])
            logits = ReturnedTensor(shape: [1, config.vocab_size])
        }
    }

    /// The decoder's layers, final norm and output scaling: the buffers with the head's input in `h`.
    func runDecoder(_ tokens: [Int], caches: DecoderCaches, input: EncodedInput,
                            recorders: (decoder: AttentionRecorder, cross: AttentionRecorder)?) -> DecoderBuffers {
        let cache = caches.first, start = cache.length, rows = tokens.count, width = architecture.width
        let added = caches.positionsAdded(rows: rows)
        let b = cache.buffers(rows: rows) { DecoderBuffers(rows: rows, capacity: cache.capacity, model: self) }
        embeddingLookup(tokenEmbedding, ids: tokens, into: b.x)
        decoderBias(queries: start..<(start + added), keys: start + added, into: b.bias.mutableData)
        for (i, layer) in decoderLayers.enumerated() {
            let attention = layer.attention
            rmsNorm(b.x, weight: layer.norm1, epsilon: epsilon, into: b.h)
            attention.selfAttention.decoderSelfAttention(b.h, caches: caches, layer: i, bias: b.bias.data,
                                                         recorder: recorders?.decoder, buffers: b.attention,
                                                         into: b.projected)
            addInPlace(b.x, b.projected)
            rmsNorm(b.x, weight: layer.norm2, epsilon: epsilon, into: b.h)
            attention.crossAttention.crossAttention(b.h, keys: input.crossKeys[i], values: input.crossValues[i],
                                                    cache: cache, recorder: recorders?.cross, layer: i,
                                                    buffers: b.attention, into: b.projected)
            addInPlace(b.x, b.projected)
            rmsNorm(b.x, weight: layer.norm3, epsilon: epsilon, into: b.h)
            layer.mlp(b.h, hidden: b.hidden, upOutput: b.upOutput, into: b.projected)
            addInPlace(b.x, b.projected)
        }
        caches.advance(rows: rows)
        rmsNorm(b.x, weight: decoderFinalNorm, epsilon: epsilon, into: b.h)
        if architecture.rescalesOutput {
            let scale = 1 / Float(width).squareRoot(), values = b.h.mutableData
            for i in 0..<b.h.count { values[i] *= scale }
        }
        return b
    }
}

/// T5's relative position bias: the learned score added for each head to the attention of a query at position i
/// to a key at position j, looked up by the bucket of j − i. Small distances have a bucket each; larger ones share
/// buckets whose widths grow logarithmically up to `maxDistance`, beyond which all share the last. A bidirectional
/// bias gives half the buckets to keys after the query; a causal one only has keys before it.
struct RelativePositionBias {
    /// [buckets, heads]
    let table: Tensor
    let bidirectional: Bool
    let maxDistance: Int

    var buckets: Int { table.shape[0] }
    var heads: Int { table.shape[1] }

    /// The bucket of the relative position `j − i`, computed in float32 as transformers does.
    func bucket(_ relative: Int) -> Int {
        var buckets = self.buckets, result = 0, distance: Int
        if bidirectional {
            buckets /= 2
            if relative > 0 { result += buckets }
            distance = abs(relative)
        } else {
            distance = max(-relative, 0)
        }
        let exact = buckets / 2
        if distance < exact { return result + distance }
        let logRatio = logf(Float(distance) / Float(exact)) / Float(log(Double(maxDistance) / Double(exact)))
        return result + min(exact + Int(logRatio * Float(buckets - exact)), buckets - 1)
    }

    /// The bias of the queries at `queries` over the keys at 0 ..< `keys`: [heads, queries.count, keys].
    func callAsFunction(queries: Range<Int>, keys: Int) -> Tensor {
        let bias = Tensor(zeros: [heads, queries.count, keys])
        self(queries: queries, keys: keys, into: bias.mutableData)
        return bias
    }

    /// The same bias written into `out`, which has room for heads × queries.count × keys values.
    func callAsFunction(queries: Range<Int>, keys: Int, into out: UnsafeMutablePointer<Float>) {
        let n = queries.count, values = table.data
        for (r, i) in queries.enumerated() {
            for j in 0..<keys {
                let row = values + bucket(j - i) * heads
                for h in 0..<heads { out[(h * n + r) * keys + j] = row[h] }
            }
        }
    }
}
