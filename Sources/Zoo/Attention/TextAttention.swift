import ZooModels
import ZooTokenizers

/// The attention of a model over one text: one view for a decoder or an encoder; for an encoder-decoder its
/// encoder's self-attention, its decoder's self-attention over the target and its cross-attention.
public struct TextAttention: Sendable {
    public let text: String
    /// An encoder-decoder's decoder text: the target asked for, or what the model wrote for the text.
    public let target: String?
    public let views: [AttentionView]
}

extension LoadedModel {
    /// The attention of `text`. For an encoder-decoder the decoder reads its start token, then `target`'s tokens,
    /// or, without a target, the tokens the model writes for `text` with its own generation settings.
    public func attention(of text: String, target: String? = nil) throws -> TextAttention {
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
            return TextAttention(text: text, target: nil, views: [
                AttentionView(model: name, kind: .selfAttention, queryLabels: labels, keyLabels: labels,
                              maps: model.selfAttention(ids)),
            ])
        }
        let (targetText, targetIDs) = try decoderInput(for: text, target: target)
        let targetLabels = TokenLabels.labels(of: targetIDs, tokenizer: tokenizer)
        let maps = encoderDecoder.attention(source: ids, target: targetIDs)
        return TextAttention(text: text, target: targetText, views: [
            AttentionView(model: name, kind: .encoder, queryLabels: labels, keyLabels: labels, maps: maps.encoder),
            AttentionView(model: name, kind: .decoder, queryLabels: targetLabels, keyLabels: targetLabels,
                          maps: maps.decoder),
            AttentionView(model: name, kind: .cross, queryLabels: targetLabels, keyLabels: labels, maps: maps.cross),
        ])
    }

    /// The most tokens the model takes in one text, when it says.
    var inputLimit: Int? {
        switch model {
        case let causal as any CausalLanguageModel: causal.contextLength
        case let encoder as any EncoderModel: encoder.maxSequenceLength
        case let encoderDecoder as any SequenceToSequenceModel: encoderDecoder.maxInputLength
        default: nil
        }
    }

    /// The decoder's text and input ids: its start token, then the target's tokens or those the model writes.
    func decoderInput(for text: String, target: String?) throws -> (text: String, ids: [Int]) {
        let pipeline = try textToText()
        let start = pipeline.settings.decoderStartTokenID
        guard let target else {
            let written = try pipeline(text)
            return (written.text, [start] + written.outputIDs)
        }
        let ids = [start] + tokenizer.encode(target)
        if let limit = pipeline.model.maxOutputLength, ids.count > limit {
            throw ZooError("the target has \(ids.count) tokens with the decoder's start token but \(name)'s decoder takes at most \(limit)")
        }
        return (target, ids)
    }
}
