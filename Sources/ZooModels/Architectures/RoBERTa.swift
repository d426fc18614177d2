import ZooTensor

/// RoBERTa (Liu et al., 2019): BERT's encoder with fairseq's positions, which count from the padding index + 1
/// and skip padding tokens, and, in RobertaForMaskedLM checkpoints, a masked-language-model head with exact GELU
/// whatever the config's `hidden_act`.
public struct RoBERTa: Architecture {
    public static let modelTypes = ["roberta"]

    /// RobertaConfig has BertConfig's keys; only the padding index defaults differently (1).
    public typealias Config = BERT.Config

    public let config: Config
    public let layout: EncoderLayout

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        self.config = config
        let padding = config.pad_token_id ?? 1
        layout = try BERT.layout(of: config, path: file.path, positions: .afterPadding(padding), paddingDefault: 1,
                                 headActivation: "gelu", headClasses: ["RobertaForMaskedLM"])
    }

    public var tensorShapes: [String: [Int]] { layout.tensorShapes }

    /// The head of RobertaForMaskedLM (the decoder weight is the token embedding when tied).
    static let headNames = [
        "lm_head.dense.weight": "mlm_head.dense.weight", "lm_head.dense.bias": "mlm_head.dense.bias",
        "lm_head.layer_norm.weight": "mlm_head.norm.weight", "lm_head.layer_norm.bias": "mlm_head.norm.bias",
        "lm_head.bias": "mlm_head.bias", "lm_head.decoder.weight": "mlm_head.decoder.weight",
    ]

    /// Hugging Face names, with or without the `roberta.` prefix of the models with heads.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        switch name {
        case "lm_head.decoder.weight": return layout.decoderRule()
        case "lm_head.decoder.bias": return .skip("tied to lm_head.bias")
        default:
            if let canonical = Self.headNames[name] { return .tensor(canonical, .none) }
            return BERT.encoderRule(name.dropping(prefix: "roberta."), layout: layout)
        }
    }

    public func exportName(forCanonicalName name: String) -> ExportName? {
        BERT.encoderExportName(name, layout: layout, prefix: "roberta.", headNames: Self.headNames)
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try layout.makeModel(weights: weights)
    }
}
