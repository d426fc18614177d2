import ZooModels
import ZooTokenizers

/// One stack of attention maps of a text with labels for its tokens: what `zoo attention` draws.
public struct AttentionView: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A decoder's or an encoder's self-attention.
        case selfAttention = "self-attention"
        case encoder = "encoder self-attention"
        case decoder = "decoder self-attention"
        /// An encoder-decoder's decoder attending to the encoder's output.
        case cross = "cross-attention"
    }

    /// The model's name.
    public let model: String
    public let kind: Kind
    /// Labels of the rows (the queries: positions that attend) and of the columns (the keys: positions attended to).
    public let queryLabels: [String]
    public let keyLabels: [String]
    public let maps: AttentionMaps

    public init(model: String, kind: Kind, queryLabels: [String], keyLabels: [String], maps: AttentionMaps) {
        precondition(queryLabels.count == maps.queries && keyLabels.count == maps.keys,
                     "attention view: \(queryLabels.count) × \(keyLabels.count) labels for \(maps.queries) × \(maps.keys) maps")
        self.model = model
        self.kind = kind
        self.queryLabels = queryLabels
        self.keyLabels = keyLabels
        self.maps = maps
    }

    /// Checks that `layer` and `head` exist, with an error giving the valid ranges.
    public func check(layer: Int, head: Int) throws(ZooError) {
        guard (0..<maps.layers).contains(layer) else {
            throw ZooError("layer \(layer) is out of range: the \(kind.rawValue) of \(model) has layers \(Self.range(maps.layers))")
        }
        guard (0..<maps.heads).contains(head) else {
            throw ZooError("head \(head) is out of range: the \(kind.rawValue) of \(model) has heads \(Self.range(maps.heads)) in each layer")
        }
    }

    static func range(_ count: Int) -> String { count == 1 ? "0 only" : "0 to \(count - 1)" }
}

extension LoadedModel {
    /// The attention of `text`: for a decoder or an encoder its self-attention; for an encoder-decoder its encoder's
    /// over `text`, its decoder's over `target` (the decoder's text, after its start token) and its cross-attention.
    public func attentionViews(of text: String, target: String? = nil) throws(ZooError) -> [AttentionView] {
        guard let model = model as? any AttentionInspectable else { throw unsupported("show its attention") }
        guard !text.isEmpty else { throw ZooError("the text is empty: give the text whose attention to show") }
        let ids = tokenizer.encode(text)
        guard !ids.isEmpty else { throw ZooError("the text has no tokens for \(name)'s tokenizer") }
        if let limit = inputLimit, ids.count > limit {
            throw ZooError("the text has \(ids.count) tokens but \(name) takes at most \(limit)")
        }
        let labels = TokenLabels.labels(of: ids, tokenizer: tokenizer)
        guard let encoderDecoder = model as? any CrossAttentionInspectable else {
            if target != nil { throw ZooError("--target is for encoder-decoder models: \(name) has no decoder input") }
            return [AttentionView(model: name, kind: .selfAttention, queryLabels: labels, keyLabels: labels,
                                  maps: model.selfAttention(ids))]
        }
        guard let target else {
            throw ZooError("\(name) is an encoder-decoder: give the decoder's text with --target")
        }
        let targetIDs = try decoderInput(for: target)
        let targetLabels = TokenLabels.labels(of: targetIDs, tokenizer: tokenizer)
        let maps = encoderDecoder.attention(source: ids, target: targetIDs)
        return [
            AttentionView(model: name, kind: .encoder, queryLabels: labels, keyLabels: labels, maps: maps.encoder),
            AttentionView(model: name, kind: .decoder, queryLabels: targetLabels, keyLabels: targetLabels,
                          maps: maps.decoder),
            AttentionView(model: name, kind: .cross, queryLabels: targetLabels, keyLabels: labels, maps: maps.cross),
        ]
    }

    /// The most tokens the model takes in one text, when it says.
    var inputLimit: Int? {
        switch model {
        case let causal as any CausalLanguageModel: causal.contextLength
        case let encoder as any EncoderModel: encoder.maxSequenceLength
        default: nil
        }
    }

    /// The decoder's input ids for `target`: its start token (the config's `decoder_start_token_id`), then the
    /// target's tokens.
    func decoderInput(for target: String) throws(ZooError) -> [Int] {
        struct Start: Decodable { let decoder_start_token_id: Int? }
        guard let start = (try? config.decode(Start.self))?.decoder_start_token_id else {
            throw ZooError(path: config.path, "no decoder_start_token_id: the decoder's first token is unknown")
        }
        return [start] + tokenizer.encode(target)
    }
}
