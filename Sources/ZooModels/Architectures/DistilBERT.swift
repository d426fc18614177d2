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

    /// Hugging Face names, with or without the `distilbert.` prefix of the models with heads.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        switch name.dropping(prefix: "distilbert.") {
        case "vocab_transform.weight": return .tensor("mlm_head.dense.weight", .none)
        case "vocab_transform.bias": return .tensor("mlm_head.dense.bias", .none)
        case "vocab_layer_norm.weight": return .tensor("mlm_head.norm.weight", .none)
        case "vocab_layer_norm.bias": return .tensor("mlm_head.norm.bias", .none)
        case "vocab_projector.bias": return .tensor("mlm_head.bias", .none)
        case "vocab_projector.weight": return layout.decoderRule()
        case "embeddings.word_embeddings.weight": return .tensor("token_embedding.weight", .none)
        case "embeddings.position_embeddings.weight": return .tensor("position_embedding.weight", .none)
        case "embeddings.LayerNorm.weight": return .tensor("embedding_norm.weight", .none)
        case "embeddings.LayerNorm.bias": return .tensor("embedding_norm.bias", .none)
        case "embeddings.position_ids": return .skip("a buffer of default ids, not a weight")
        case let local:
            return layout.blockRule(local, under: "transformer.layer.", parts: [
                "attention.q_lin": "attn.query", "attention.k_lin": "attn.key", "attention.v_lin": "attn.value",
                "attention.out_lin": "attn.out", "sa_layer_norm": "norm1", "ffn.lin1": "mlp.up",
                "ffn.lin2": "mlp.down", "output_layer_norm": "norm2",
            ])
        }
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try layout.makeModel(weights: weights)
    }
}
