import ZooTensor

/// DistilBERT (Sanh et al., 2019): BERT's post-norm encoder with no token types, names of its own, and, in
/// DistilBertForMaskedLM checkpoints, the masked-language-model head (vocab_transform, vocab_layer_norm,
/// vocab_projector tied to the token embedding). Every layer norm's epsilon is 1e-12. With
/// `sinusoidal_pos_embds` the position table is fixed sinusoids, but it is stored like any weight and read as one.
public struct DistilBERT: Architecture {
    public static let modelTypes = ["distilbert"]

    /// The Hugging Face DistilBertConfig keys Zoo uses.
    public struct Config: Decodable, Sendable {
        var vocab_size: Int
        var dim: Int
        var n_layers: Int
        var n_heads: Int
        var hidden_dim: Int
        var max_position_embeddings: Int
        var activation: String?
        var pad_token_id: Int?
        var tie_word_embeddings: Bool?
        /// The transformers classes the checkpoint was saved from: whether it has the masked-LM head.
        var architectures: [String]?
    }

    public let config: Config
    public let layout: EncoderLayout

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        self.config = config
        let activation = config.activation ?? "gelu"
        let hasHead = EncoderLayout.hasMaskedLanguageModelHead(
            architectures: config.architectures, classes: ["DistilBertForMaskedLM"])
        layout = try EncoderLayout(
            path: file.path, vocabularySize: config.vocab_size, maxPositions: config.max_position_embeddings,
            tokenTypes: 0, width: config.dim, innerWidth: config.hidden_dim, layers: config.n_layers,
            heads: config.n_heads, activationName: activation, epsilon: 1e-12,
            paddingTokenID: config.pad_token_id ?? 0, positions: .absolute,
            headActivationName: hasHead ? activation : nil, tiedDecoder: config.tie_word_embeddings ?? true)
    }

    public var tensorShapes: [String: [Int]] { layout.tensorShapes }

    /// The head of DistilBertForMaskedLM (the projector weight is the token embedding when tied).
    static let headNames = [
        "vocab_transform.weight": "mlm_head.dense.weight", "vocab_transform.bias": "mlm_head.dense.bias",
        "vocab_layer_norm.weight": "mlm_head.norm.weight", "vocab_layer_norm.bias": "mlm_head.norm.bias",
        "vocab_projector.bias": "mlm_head.bias", "vocab_projector.weight": "mlm_head.decoder.weight",
    ]
    static let embeddingNames = [
        "embeddings.word_embeddings.weight": "token_embedding.weight",
        "embeddings.position_embeddings.weight": "position_embedding.weight",
        "embeddings.LayerNorm.weight": "embedding_norm.weight", "embeddings.LayerNorm.bias": "embedding_norm.bias",
    ]
    /// A layer's modules inside `transformer.layer.N.`.
    static let layerModules = [
        "attention.q_lin": "attn.query", "attention.k_lin": "attn.key", "attention.v_lin": "attn.value",
        "attention.out_lin": "attn.out", "sa_layer_norm": "norm1", "ffn.lin1": "mlp.up",
        "ffn.lin2": "mlp.down", "output_layer_norm": "norm2",
    ]

    /// Hugging Face names, with or without the `distilbert.` prefix of the models with heads. The head's names
    /// have no prefix; they are looked up after dropping it, as they always were.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        let local = name.dropping(prefix: "distilbert.")
        switch local {
        case "vocab_projector.weight": return layout.decoderRule()
        case "embeddings.position_ids": return .skip("a buffer of default ids, not a weight")
        default:
            if let canonical = Self.headNames[local] ?? Self.embeddingNames[local] { return .tensor(canonical, .none) }
            return layout.blockRule(local, under: "transformer.layer.", parts: Self.layerModules)
        }
    }

    public func exportName(forCanonicalName name: String) -> ExportName? {
        guard layout.tensorShapes[name] != nil else { return nil }
        if let head = layout.headExportName(name, names: Self.headNames) { return head }
        let body = HuggingFaceNames.module(named: name, in: Self.embeddingNames).map { ExportName($0) }
            ?? layout.blockExportName(name, under: "transformer.layer.", parts: Self.layerModules)
        return body.map { layout.bodyExportName($0, prefix: "distilbert.") }
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try layout.makeModel(weights: weights)
    }
}
