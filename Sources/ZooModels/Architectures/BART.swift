import ZooTensor

/// BART (Lewis et al., 2019): an encoder and a decoder of post-norm layers over learned positions (offset by 2, as
/// fairseq laid them out), each stack opening with a layer norm of its embeddings; the token embedding is shared by
/// both stacks and the output head, which adds `final_logits_bias`, unless the config unties them (then, as in
/// transformers 5, each stack and the head have their own).
public struct BART: Architecture {
    public static let modelTypes = ["bart"]

    /// BART's learned positions start at row 2 of the position table.
    static let positionOffset = 2

    /// The Hugging Face BartConfig keys Zoo uses.
    public struct Config: Decodable, Sendable {
        var vocab_size: Int
        var d_model: Int
        var encoder_layers: Int
        var decoder_layers: Int
        var encoder_attention_heads: Int
        var decoder_attention_heads: Int
        var encoder_ffn_dim: Int
        var decoder_ffn_dim: Int
        var max_position_embeddings: Int
        var activation_function: String?
        var scale_embedding: Bool?
        var tie_word_embeddings: Bool?
        var normalize_before: Bool?
        var add_final_layer_norm: Bool?
    }

    public let config: Config
    let activation: Activation
    let tied: Bool

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        func check(_ condition: Bool, _ message: String) throws(ModelError) {
            if !condition { throw ModelError(path: file.path, message: message) }
        }
        try check(config.vocab_size > 0 && config.max_position_embeddings > 0 && config.encoder_layers > 0
                      && config.decoder_layers > 0 && config.encoder_ffn_dim > 0 && config.decoder_ffn_dim > 0,
                  "vocab_size, max_position_embeddings, the layer counts and the ffn dims must be positive")
        for (key, heads) in [("encoder_attention_heads", config.encoder_attention_heads),
                             ("decoder_attention_heads", config.decoder_attention_heads)] {
            try check(heads > 0 && config.d_model > 0 && config.d_model % heads == 0,
                      "d_model (\(config.d_model)) must be a positive multiple of \(key) (\(heads))")
        }
        try check(!(config.normalize_before ?? false) && !(config.add_final_layer_norm ?? false),
                  "normalize_before and add_final_layer_norm are mBART's pre-norm layout, which the bart plugin does not run")
        let activationName = config.activation_function ?? "gelu"
        guard let activation = Activation(huggingFaceName: activationName) else {
            throw ModelError(path: file.path, message: "unsupported activation_function \"\(activationName)\"")
        }
        self.config = config
        self.activation = activation
        self.tied = config.tie_word_embeddings ?? true
    }

    var width: Int { config.d_model }

    public var tensorShapes: [String: [Int]] {
        let positions = config.max_position_embeddings + Self.positionOffset
        var shapes = ["final_logits_bias": [1, config.vocab_size]]
        for name in tied ? ["token_embedding.weight"] : ["encoder.token_embedding.weight", "decoder.token_embedding.weight", "lm_head.weight"] {
            shapes[name] = [config.vocab_size, width]
        }
        for stack in ["encoder", "decoder"] {
            shapes["\(stack).position_embedding.weight"] = [positions, width]
            shapes["\(stack).embedding_norm.weight"] = [width]
            shapes["\(stack).embedding_norm.bias"] = [width]
        }
        func norms(_ block: String, _ names: [String]) {
            for norm in names {
                shapes[block + norm + ".weight"] = [width]
                shapes[block + norm + ".bias"] = [width]
            }
        }
        for i in 0..<config.encoder_layers {
            let block = "encoder.blocks.\(i)."
            shapes.merge(AttentionProjections.shapes(block + "attn", width: width, inner: width, biases: true)) { $1 }
            shapes.merge(FeedForward.shapes(block + "mlp", width: width, inner: config.encoder_ffn_dim, gated: false,
                                            biases: true)) { $1 }
            norms(block, ["norm1", "norm2"])
        }
        for i in 0..<config.decoder_layers {
            let block = "decoder.blocks.\(i)."
            for attention in ["self_attn", "cross_attn"] {
                shapes.merge(AttentionProjections.shapes(block + attention, width: width, inner: width, biases: true)) { $1 }
            }
            shapes.merge(FeedForward.shapes(block + "mlp", width: width, inner: config.decoder_ffn_dim, gated: false,
                                            biases: true)) { $1 }
            norms(block, ["norm1", "norm2", "norm3"])
        }
        return shapes
    }

    /// Hugging Face names of BartForConditionalGeneration (`model.` prefix optional, as BartModel has none).
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        switch name {
        case "lm_head.weight": return HuggingFaceNames.outputHead(tied: tied)
        case "final_logits_bias": return .tensor("final_logits_bias", .none)
        default: break
        }
        let local = HuggingFaceNames.local(name, prefix: "model.")
        switch local {
        case "shared.weight":
            return tied ? .tensor("token_embedding.weight", .none) : .skip("untied: each stack reads its own embed_tokens")
        case "encoder.embed_tokens.weight", "decoder.embed_tokens.weight":
            let stack = local.prefix { $0 != "." }
            return tied ? .skip("tied to shared.weight") : .tensor("\(stack).token_embedding.weight", .none)
        default: break
        }
        for stack in ["encoder", "decoder"] {
            let inStack = HuggingFaceNames.local(local, prefix: stack + ".")
            guard inStack != local else { continue }
            switch inStack {
            case "embed_positions.weight": return .tensor("\(stack).position_embedding.weight", .none)
            case "layernorm_embedding.weight": return .tensor("\(stack).embedding_norm.weight", .none)
            case "layernorm_embedding.bias": return .tensor("\(stack).embedding_norm.bias", .none)
            default: break
            }
            let count = stack == "encoder" ? config.encoder_layers : config.decoder_layers
            guard let (layer, rest) = HuggingFaceNames.block(inStack, container: "layers", count: count) else {
                return .unknown
            }
            let modules = stack == "encoder" ? Self.encoderModules : Self.decoderModules
            return HuggingFaceNames.module(rest, in: "\(stack).blocks.\(layer).", modules: modules)
        }
        return .unknown
    }

    public func exportName(forCanonicalName name: String) -> ExportName? {
        guard tensorShapes[name] != nil else { return nil }
        switch name {
        case "lm_head.weight", "final_logits_bias": return ExportName(name)
        case "token_embedding.weight": return ExportName("model.shared.weight")
        default: break
        }
        for stack in ["encoder", "decoder"] {
            let inStack = HuggingFaceNames.local(name, prefix: stack + ".")
            guard inStack != name else { continue }
            switch inStack {
            case "token_embedding.weight": return ExportName("model.\(stack).embed_tokens.weight")
            case "position_embedding.weight": return ExportName("model.\(stack).embed_positions.weight")
            case "embedding_norm.weight": return ExportName("model.\(stack).layernorm_embedding.weight")
            case "embedding_norm.bias": return ExportName("model.\(stack).layernorm_embedding.bias")
            default:
                let count = stack == "encoder" ? config.encoder_layers : config.decoder_layers
                return HuggingFaceNames.blockExportName(inStack, count: count, modules: stack == "encoder"
                    ? Self.encoderModules : Self.decoderModules, under: "model.\(stack).layers.")
            }
        }
        return nil
    }

    static let encoderModules = [
        "self_attn.q_proj": "attn.q", "self_attn.k_proj": "attn.k", "self_attn.v_proj": "attn.v",
        "self_attn.out_proj": "attn.out", "self_attn_layer_norm": "norm1", "fc1": "mlp.up", "fc2": "mlp.down",
        "final_layer_norm": "norm2",
    ]
    static let decoderModules = [
        "self_attn.q_proj": "self_attn.q", "self_attn.k_proj": "self_attn.k", "self_attn.v_proj": "self_attn.v",
        "self_attn.out_proj": "self_attn.out", "self_attn_layer_norm": "norm1",
        "encoder_attn.q_proj": "cross_attn.q", "encoder_attn.k_proj": "cross_attn.k",
        "encoder_attn.v_proj": "cross_attn.v", "encoder_attn.out_proj": "cross_attn.out",
        "encoder_attn_layer_norm": "norm2", "fc1": "mlp.up", "fc2": "mlp.down", "final_layer_norm": "norm3",
    ]

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try BARTModel(self, weights: weights)
    }
}

/// A BART ready to run, its weights in float32 (matrices marked for bfloat16 activations as stored).
final class BARTModel: OutputHeadEncoderDecoder {
    /// A layer norm's weight and bias.
    struct Norm {
        let weight, bias: Tensor

        init(_ name: String, _ weights: any WeightStore) throws {
            weight = try weights.tensor(name + ".weight").float32()
            bias = try weights.tensor(name + ".bias").float32()
        }

        func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, epsilon: 1e-5) }
        /// Normalises `x` in place.
        func normalize(_ x: Tensor) { layerNorm(x, weight: weight, bias: bias, epsilon: 1e-5, into: x) }
    }

    struct EncoderLayer {
        let attention: AttentionProjections
        let norm1, norm2: Norm
        let mlp: FeedForward
    }

    struct DecoderLayer {
        let attention: DecoderAttention
        let norm1, norm2, norm3: Norm
        let mlp: FeedForward
    }

    let architecture: BART
    let encoderEmbedding, decoderEmbedding: Tensor
    /// The output projection, with the final logits bias.
    let outputHead: OutputHead
    let encoderPositions, decoderPositions: Tensor
    let encoderNorm, decoderNorm: Norm
    let encoderLayers: [EncoderLayer]
    let decoderLayers: [DecoderLayer]
    let embeddingScale: Float

    var vocabularySize: Int { architecture.config.vocab_size }
    var maxInputLength: Int? { architecture.config.max_position_embeddings }
    var encoderLayerCount: Int { encoderLayers.count }
    var decoderLayerCount: Int { decoderLayers.count }
    var encoderHeads: Int { architecture.config.encoder_attention_heads }
    var decoderHeads: Int { architecture.config.decoder_attention_heads }
    var maxOutputLength: Int? { architecture.config.max_position_embeddings }

    init(_ architecture: BART, weights: any WeightStore) throws {
        self.architecture = architecture
        let config = architecture.config, width = architecture.width
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        if architecture.tied {
            encoderEmbedding = try load("token_embedding.weight")
            decoderEmbedding = encoderEmbedding
        } else {
            encoderEmbedding = try load("encoder.token_embedding.weight")
            decoderEmbedding = try load("decoder.token_embedding.weight")
        }
        outputHead = OutputHead(weight: architecture.tied ? encoderEmbedding : try load("lm_head.weight"),
                                bias: try load("final_logits_bias").reshaped([config.vocab_size]))
        encoderPositions = try load("encoder.position_embedding.weight")
        decoderPositions = try load("decoder.position_embedding.weight")
        encoderNorm = try Norm("encoder.embedding_norm", weights)
        decoderNorm = try Norm("decoder.embedding_norm", weights)
        embeddingScale = config.scale_embedding ?? false ? Float(width).squareRoot() : 1
        let activation = architecture.activation
        func attention(_ prefix: String, heads: Int) throws -> AttentionProjections {
            let headDim = width / heads
            return try AttentionProjections(prefix, weights: weights, biases: true, heads: heads, headDim: headDim,
                                            scale: 1 / Float(headDim).squareRoot())
        }
        encoderLayers = try (0..<config.encoder_layers).map { i in
            let p = "encoder.blocks.\(i)."
            return EncoderLayer(
                attention: try attention(p + "attn", heads: config.encoder_attention_heads),
                norm1: try Norm(p + "norm1", weights), norm2: try Norm(p + "norm2", weights),
                mlp: try FeedForward(p + "mlp", weights: weights, gated: false, biases: true, activation: activation))
        }
        decoderLayers = try (0..<config.decoder_layers).map { i in
            let p = "decoder.blocks.\(i)."
            return DecoderLayer(
                attention: DecoderAttention(
                    selfAttention: try attention(p + "self_attn", heads: config.decoder_attention_heads),
                    crossAttention: try attention(p + "cross_attn", heads: config.decoder_attention_heads)),
                norm1: try Norm(p + "norm1", weights), norm2: try Norm(p + "norm2", weights),
                norm3: try Norm(p + "norm3", weights),
                mlp: try FeedForward(p + "mlp", weights: weights, gated: false, biases: true, activation: activation))
        }
    }

    /// Token embeddings (scaled when the config says so) plus the positions from `start` (with `samePosition`, all
    /// at `start`: the beams of a beam search), layer-normalised, written into `x` ([ids.count, width]) with
    /// `positionRows` (as large) as scratch.
    private func embed(_ ids: [Int], start: Int, samePosition: Bool = false, tokens: Tensor, positions: Tensor,
                       norm: Norm, into x: Tensor, positionRows: Tensor) {
        embeddingLookup(tokens, ids: ids, into: x)
        if embeddingScale != 1 {
            let values = x.mutableData
            for i in 0..<x.count { values[i] *= embeddingScale }
        }
        let first = start + BART.positionOffset
        if samePosition {
            embeddingLookup(positions, ids: [Int](repeating: first, count: ids.count), into: positionRows)
        } else {
            embeddingLookup(positions, ids: first..<(first + ids.count), into: positionRows)
        }
        addInPlace(x, positionRows)
        norm.normalize(x)
    }

    func encode(_ ids: [Int], recorder: AttentionRecorder?) -> EncodedInput {
        precondition(ids.count <= architecture.config.max_position_embeddings, "bart: input longer than the positions")
        var x = Tensor(zeros: [ids.count, architecture.width])
        embed(ids, start: 0, tokens: encoderEmbedding, positions: encoderPositions, norm: encoderNorm, into: x,
              positionRows: Tensor(zeros: x.shape))
        for (i, layer) in encoderLayers.enumerated() {
            addInPlace(x, layer.attention.encoderSelfAttention(x, recorder: recorder, layer: i))
            x = layer.norm1(x)
            addInPlace(x, layer.mlp(x))
            x = layer.norm2(x)
        }
        return EncodedInput(hiddenStates: x, decoderLayers: decoderLayers.map(\.attention))
    }

    func makeDecoderState(for input: EncodedInput, capacity: Int) -> DecoderState {
        DecoderState(input: input, layers: decoderLayers.count,
                     capacity: min(capacity, architecture.config.max_position_embeddings), width: architecture.width)
    }

    /// The tensors of a decoding pass over `rows` new positions.
    final class DecoderBuffers: HeadInputBuffers {
        let rows: Int
        let x, projected: Tensor  // [rows, width]
        /// The head's input: the stream itself, which BART's post-norm layers leave normalised.
        var h: Tensor { x }
        let attention: AttentionBuffers
        let hidden: Tensor  // [rows, ffn width]
        var logits: ReturnedTensor  // [1, vocabulary]

        init(rows: Int, config: BART.Config) {
            self.rows = rows
            x = Tensor(zeros: [rows, config.d_model])
            projected = Tensor(zeros: [rows, config.d_model])
            attention = AttentionBuffers(rows: rows, width: config.d_model)
            hidden = Tensor(zeros: [rows, config.decoder_ffn_dim])
            logits = ReturnedTensor(shape: [1, config.vocab_size])
        }
    }

    /// The decoder's layers: the buffers with the head's input in `x` (`h`).
    func runDecoder(_ tokens: [Int], caches: DecoderCaches, input: EncodedInput,
                            recorders: (decoder: AttentionRecorder, cross: AttentionRecorder)?) -> DecoderBuffers {
        let cache = caches.first, start = cache.length, rows = tokens.count
        let b = cache.buffers(rows: rows) { DecoderBuffers(rows: rows, config: architecture.config) }
        embed(tokens, start: start, samePosition: caches.positionsAdded(rows: rows) < rows, tokens: decoderEmbedding,
              positions: decoderPositions, norm: decoderNorm, into: b.x, positionRows: b.projected)
        for (i, layer) in decoderLayers.enumerated() {
            layer.attention.selfAttention.decoderSelfAttention(b.x, caches: caches, layer: i,
                                                               recorder: recorders?.decoder, buffers: b.attention,
                                                               into: b.projected)
            addInPlace(b.x, b.projected)
            layer.norm1.normalize(b.x)
            layer.attention.crossAttention.crossAttention(
                b.x, keys: input.crossKeys[i], values: input.crossValues[i], cache: cache,
                recorder: recorders?.cross, layer: i, buffers: b.attention, into: b.projected)
            addInPlace(b.x, b.projected)
            layer.norm2.normalize(b.x)
            layer.mlp(b.x, hidden: b.hidden, upOutput: nil, into: b.projected)
            addInPlace(b.x, b.projected)
            layer.norm3.normalize(b.x)
        }
        caches.advance(rows: rows)
        return b
    }
}
