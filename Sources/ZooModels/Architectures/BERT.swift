import ZooTensor

/// BERT (Devlin et al., 2018): learned absolute positions and token types, post-norm encoder layers with exact
/// GELU, and, in BertForMaskedLM and BertForPreTraining checkpoints, a masked-language-model head whose decoder is
/// the token embedding.
public struct BERT: Architecture {
    public static let modelTypes = ["bert"]

    /// The Hugging Face BertConfig keys Zoo uses (RobertaConfig has the same).
    public struct Config: Decodable, Sendable {
        var vocab_size: Int
        var hidden_size: Int
        var num_hidden_layers: Int
        var num_attention_heads: Int
        var intermediate_size: Int
        var max_position_embeddings: Int
        var type_vocab_size: Int?
        var hidden_act: String?
        var layer_norm_eps: Float?
        var pad_token_id: Int?
        var position_embedding_type: String?
        var is_decoder: Bool?
        var tie_word_embeddings: Bool?
        /// The transformers classes the checkpoint was saved from: whether it has the masked-LM head.
        var architectures: [String]?
    }

    static let headClasses: Set = ["BertForMaskedLM", "BertForPreTraining"]

    public let config: Config
    public let layout: EncoderLayout

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        self.config = config
        layout = try Self.layout(of: config, path: file.path, positions: .absolute, paddingDefault: 0,
                                 headActivation: config.hidden_act ?? "gelu", headClasses: Self.headClasses)
    }

    /// The layout of a BERT-shaped config, shared with RoBERTa, which differs in its positions, its padding
    /// default and its head's activation.
    static func layout(of config: Config, path: String, positions: EncoderLayout.Positions, paddingDefault: Int,
                       headActivation: String, headClasses: Set<String>) throws(ModelError) -> EncoderLayout {
        let positionType = config.position_embedding_type ?? "absolute"
        guard positionType == "absolute" else {
            throw ModelError(path: path, message: "position_embedding_type \"\(positionType)\" is not supported (only \"absolute\")")
        }
        guard !(config.is_decoder ?? false) else {
            throw ModelError(path: path, message: "is_decoder is true: a BERT-style causal decoder is not supported")
        }
        let hasHead = EncoderLayout.hasMaskedLanguageModelHead(architectures: config.architectures, classes: headClasses)
        return try EncoderLayout(
            path: path, vocabularySize: config.vocab_size, maxPositions: config.max_position_embeddings,
            tokenTypes: config.type_vocab_size ?? 2, width: config.hidden_size, innerWidth: config.intermediate_size,
            layers: config.num_hidden_layers, heads: config.num_attention_heads,
            activationName: config.hidden_act ?? "gelu", epsilon: config.layer_norm_eps ?? 1e-12,
            paddingTokenID: config.pad_token_id ?? paddingDefault, positions: positions,
            headActivationName: hasHead ? headActivation : nil, tiedDecoder: config.tie_word_embeddings ?? true)
    }

    public var tensorShapes: [String: [Int]] { layout.tensorShapes }

    /// The head of BertForMaskedLM and BertForPreTraining (the decoder weight is the token embedding when tied).
    static let headNames = [
        "cls.predictions.transform.dense.weight": "mlm_head.dense.weight",
        "cls.predictions.transform.dense.bias": "mlm_head.dense.bias",
        "cls.predictions.transform.LayerNorm.weight": "mlm_head.norm.weight",
        "cls.predictions.transform.LayerNorm.bias": "mlm_head.norm.bias",
        "cls.predictions.bias": "mlm_head.bias",
        "cls.predictions.decoder.weight": "mlm_head.decoder.weight",
    ]

    /// Hugging Face names, with or without the `bert.` prefix of the models with heads.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        switch name {
        case "cls.predictions.decoder.weight": return layout.decoderRule()
        case "cls.predictions.decoder.bias": return .skip("tied to cls.predictions.bias")
        case "cls.seq_relationship.weight", "cls.seq_relationship.bias":
            return .skip("the next-sentence prediction head, which no Zoo pipeline runs")
        default:
            if let canonical = Self.headNames[name] { return .tensor(canonical, .none) }
            return Self.encoderRule(name.dropping(prefix: "bert."), layout: layout)
        }
    }

    /// The encoder's tensors outside its layers, named inside BertModel (shared with RoBERTa's RobertaModel).
    static let embeddingNames = [
        "embeddings.word_embeddings.weight": "token_embedding.weight",
        "embeddings.position_embeddings.weight": "position_embedding.weight",
        "embeddings.token_type_embeddings.weight": "token_type_embedding.weight",
        "embeddings.LayerNorm.weight": "embedding_norm.weight",
        "embeddings.LayerNorm.bias": "embedding_norm.bias",
    ]
    /// A layer's modules inside BertModel's `encoder.layer.N.`.
    static let layerModules = [
        "attention.self.query": "attn.query", "attention.self.key": "attn.key",
        "attention.self.value": "attn.value", "attention.output.dense": "attn.out",
        "attention.output.LayerNorm": "norm1", "intermediate.dense": "mlp.up", "output.dense": "mlp.down",
        "output.LayerNorm": "norm2",
    ]

    /// The rule for a tensor of the encoder itself, named inside BertModel (shared with RoBERTa's RobertaModel).
    static func encoderRule(_ name: String, layout: EncoderLayout) -> ImportRule {
        switch name {
        case "embeddings.position_ids", "embeddings.token_type_ids":
            return .skip("a buffer of default ids, not a weight")
        case "pooler.dense.weight", "pooler.dense.bias":
            return .skip("the pooler (a tanh layer over the first token) feeds only classification heads; embeddings pool the hidden states")
        default:
            if let canonical = embeddingNames[name] { return .tensor(canonical, .none) }
            return layout.blockRule(name, under: "encoder.layer.", parts: layerModules)
        }
    }

    /// The inverse of `encoderRule` and the head names, with the model class's prefix (`bert.`, `roberta.`) before
    /// the encoder when the checkpoint has a head.
    static func encoderExportName(_ canonical: String, layout: EncoderLayout, prefix: String,
                                  headNames: [String: String]) -> ExportName? {
        guard layout.tensorShapes[canonical] != nil else { return nil }
        if let head = layout.headExportName(canonical, names: headNames) { return head }
        let body = HuggingFaceNames.module(named: canonical, in: embeddingNames).map { ExportName($0) }
            ?? layout.blockExportName(canonical, under: "encoder.layer.", parts: layerModules)
        return body.map { layout.bodyExportName($0, prefix: prefix) }
    }

    public func exportName(forCanonicalName name: String) -> ExportName? {
        Self.encoderExportName(name, layout: layout, prefix: "bert.", headNames: Self.headNames)
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try layout.makeModel(weights: weights)
    }
}
