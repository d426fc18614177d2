import ZooTensor

/// What the BERT, RoBERTa and DistilBERT plugins share: the shape of a post-norm transformer encoder, the
/// canonical names of its tensors (Formats/architectures/bert.md), and the building of the runnable model. A
/// plugin reads its config into a layout and maps its Hugging Face names onto these.
public struct EncoderLayout: Sendable {
    /// How a token's row of the position table is chosen.
    public enum Positions: Sendable {
        /// Token i of a sequence takes row i (BERT, DistilBERT).
        case absolute
        /// Tokens take rows padding + 1, padding + 2, ... counting only tokens that are not the padding id, which
        /// takes row `padding` (RoBERTa, after fairseq).
        case afterPadding(Int)

        /// The row of the position table of every entry of `input`.
        public func ids(for input: EncoderInput) -> [Int] {
            switch self {
            case .absolute:
                return (0..<input.batch).flatMap { _ in 0..<input.length }
            case .afterPadding(let padding):
                // As transformers computes them: from the ids, not from the attention mask.
                var ids: [Int] = []
                ids.reserveCapacity(input.ids.count)
                for b in 0..<input.batch {
                    var count = 0
                    for id in input.ids[(b * input.length)..<((b + 1) * input.length)] {
                        if id == padding {
                            ids.append(padding)
                        } else {
                            count += 1
                            ids.append(padding + count)
                        }
                    }
                }
                return ids
            }
        }
    }

    let vocabularySize: Int
    let maxPositions: Int
    /// Rows of the token type (segment) table; 0 when the architecture has none.
    let tokenTypes: Int
    let width: Int
    let innerWidth: Int
    let layers: Int
    let heads: Int
    let activation: Activation
    /// Every layer norm's epsilon, the head's included.
    let epsilon: Float
    let paddingTokenID: Int
    let positions: Positions
    /// The masked-language-model head's activation, or nil when the checkpoint has no such head.
    let headActivation: Activation?
    /// Whether the head's decoder is the token embedding (Hugging Face's `tie_word_embeddings`).
    let tiedDecoder: Bool

    /// Checks the sizes; `path` is the config file, for errors.
    init(path: String, vocabularySize: Int, maxPositions: Int, tokenTypes: Int, width: Int, innerWidth: Int,
         layers: Int, heads: Int, activationName: String, epsilon: Float, paddingTokenID: Int, positions: Positions,
         headActivationName: String?, tiedDecoder: Bool) throws(ModelError) {
        func check(_ condition: Bool, _ message: String) throws(ModelError) {
            if !condition { throw ModelError(path: path, message: message) }
        }
        func activation(_ name: String) throws(ModelError) -> Activation {
            guard let activation = Activation(huggingFaceName: name) else {
                throw ModelError(path: path, message: "unsupported activation \"\(name)\"")
            }
            return activation
        }
        let limit = ModelConfig.maximumSize
        try check([vocabularySize, maxPositions, tokenTypes, width, innerWidth, heads].allSatisfy { $0 <= limit },
                  "the vocabulary, position table, token types, widths and head count must be at most \(limit)")
        try check(layers <= ModelConfig.maximumLayers,
                  "\(layers) layers is beyond the limit of \(ModelConfig.maximumLayers) layers")
        try check(vocabularySize > 0 && maxPositions > 0 && layers > 0 && innerWidth > 0 && tokenTypes >= 0,
                  "the vocabulary, position table, layer count and inner width must be positive")
        try check(heads > 0 && width > 0 && width % heads == 0,
                  "the hidden size (\(width)) must be a positive multiple of the head count (\(heads))")
        try check(paddingTokenID >= 0 && paddingTokenID < vocabularySize,
                  "pad_token_id \(paddingTokenID) is outside the vocabulary of \(vocabularySize)")
        if case .afterPadding(let padding) = positions {
            try check(maxPositions > padding + 1,
                      "max_position_embeddings (\(maxPositions)) leaves no position after the padding index \(padding)")
        }
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        self.tokenTypes = tokenTypes
        self.width = width
        self.innerWidth = innerWidth
        self.layers = layers
        self.heads = heads
        self.activation = try activation(activationName)
        self.epsilon = epsilon
        self.paddingTokenID = paddingTokenID
        self.positions = positions
        self.headActivation = try headActivationName.map { name throws(ModelError) in try activation(name) }
        self.tiedDecoder = tiedDecoder
    }

    /// Whether a config's `architectures` names a class with a masked-language-model head (one of `classes`).
    /// Without the key, the checkpoint is taken for a bare encoder.
    static func hasMaskedLanguageModelHead(architectures: [String]?, classes: Set<String>) -> Bool {
        architectures?.contains(where: classes.contains) ?? false
    }

    /// The most tokens a sequence can have.
    var maxSequenceLength: Int {
        switch positions {
        case .absolute: maxPositions
        case .afterPadding(let padding): maxPositions - padding - 1
        }
    }

    public var tensorShapes: [String: [Int]] {
        var shapes = [
            "token_embedding.weight": [vocabularySize, width],
            "position_embedding.weight": [maxPositions, width],
            "embedding_norm.weight": [width],
            "embedding_norm.bias": [width],
        ]
        if tokenTypes > 0 { shapes["token_type_embedding.weight"] = [tokenTypes, width] }
        for i in 0..<layers {
            let block = "blocks.\(i)."
            for projection in ["query", "key", "value", "out"] {
                shapes[block + "attn.\(projection).weight"] = [width, width]
                shapes[block + "attn.\(projection).bias"] = [width]
            }
            shapes[block + "mlp.up.weight"] = [innerWidth, width]
            shapes[block + "mlp.up.bias"] = [innerWidth]
            shapes[block + "mlp.down.weight"] = [width, innerWidth]
            shapes[block + "mlp.down.bias"] = [width]
            for norm in ["norm1", "norm2"] {
                shapes[block + norm + ".weight"] = [width]
                shapes[block + norm + ".bias"] = [width]
            }
        }
        if headActivation != nil {
            shapes["mlm_head.dense.weight"] = [width, width]
            shapes["mlm_head.dense.bias"] = [width]
            shapes["mlm_head.norm.weight"] = [width]
            shapes["mlm_head.norm.bias"] = [width]
            shapes["mlm_head.bias"] = [vocabularySize]
            if !tiedDecoder { shapes["mlm_head.decoder.weight"] = [vocabularySize, width] }
        }
        return shapes
    }

    /// The head's decoder weight: the token embedding when tied, its own tensor otherwise.
    func decoderRule() -> ImportRule {
        tiedDecoder ? .skip("tied to the token embedding") : .tensor("mlm_head.decoder.weight", .none)
    }

    /// The runnable model: a masked language model when the layout has a head, a bare encoder otherwise.
    func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        let encoder = try TransformerEncoder(self, weights: weights)
        guard let headActivation else { return BareEncoderModel(encoder: encoder) }
        let head = try MaskedLanguageModelHead(self, activation: headActivation, weights: weights,
                                               tokenEmbedding: encoder.embeddings.tokenEmbedding)
        return MaskedEncoderModel(encoder: encoder, head: head)
    }
}

extension EncoderLayout {
    /// The rule for a layer's tensor such as "encoder.layer.3.output.dense.bias" (under the prefix
    /// "encoder.layer."), where `parts` maps the architecture's module names onto canonical ones ("output.dense" →
    /// "mlp.down"). Unknown for a module not in `parts` or a layer the config does not have.
    func blockRule(_ name: String, under prefix: String, parts: [String: String]) -> ImportRule {
        guard name.hasPrefix(prefix) else { return .unknown }
        let fields = name.dropFirst(prefix.count).split(separator: ".", maxSplits: 1)
        guard fields.count == 2, let index = Int(fields[0]), index >= 0, index < layers,
              let (module, parameter) = HuggingFaceNames.parameter(String(fields[1])), let part = parts[module] else {
            return .unknown
        }
        return .tensor("blocks.\(index).\(part).\(parameter)", .none)
    }

    /// The inverse of `blockRule`: "blocks.3.mlp.down.bias" → "<prefix>3.output.dense.bias".
    func blockExportName(_ canonical: String, under prefix: String, parts: [String: String]) -> ExportName? {
        guard let (index, rest) = HuggingFaceNames.block(canonical, container: "blocks", count: layers),
              let (part, parameter) = HuggingFaceNames.parameter(rest),
              let module = HuggingFaceNames.module(named: part, in: parts) else { return nil }
        return ExportName("\(prefix)\(index).\(module).\(parameter)")
    }

    /// The export name of a canonical tensor of the masked-language-model head, from the architecture's table of
    /// head names (Hugging Face → canonical); nil for a name outside the head.
    func headExportName(_ canonical: String, names: [String: String]) -> ExportName? {
        guard canonical.hasPrefix("mlm_head."), tensorShapes[canonical] != nil,
              let name = HuggingFaceNames.module(named: canonical, in: names) else { return nil }
        return ExportName(name)
    }

    /// The Hugging Face name of a tensor of the encoder body: under the model class's prefix when the checkpoint
    /// has a head (BertForMaskedLM saves `bert.embeddings...`), bare otherwise (BertModel saves `embeddings...`).
    func bodyExportName(_ name: ExportName, prefix: String) -> ExportName {
        headActivation == nil ? name : ExportName(prefix + name.huggingFaceName, name.transform)
    }
}

extension String {
    /// The name without `prefix`, or the name itself when it does not start with it.
    func dropping(prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
