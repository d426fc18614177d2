import ZooTensor

/// An encoder ready to run, its weights in float32 (matrices marked for bfloat16 activations as stored): the
/// embeddings, then the layers.
final class TransformerEncoder {
    let layout: EncoderLayout
    let embeddings: EncoderEmbeddings
    let blocks: [EncoderBlock]

    init(_ layout: EncoderLayout, weights: any WeightStore) throws {
        self.layout = layout
        embeddings = try EncoderEmbeddings(layout, weights: weights)
        blocks = try (0..<layout.layers).map { try EncoderBlock(index: $0, weights: weights) }
    }

    /// [batch, length, width]. With a recorder, also records every layer's attention maps.
    func hiddenStates(_ input: EncoderInput, recorder: AttentionRecorder? = nil) -> Tensor {
        precondition(input.length <= layout.maxSequenceLength,
                     "encoder: sequences of \(input.length) tokens, the model takes at most \(layout.maxSequenceLength)")
        var x = embeddings(input)
        for (i, block) in blocks.enumerated() { x = block(x, input: input, layout: layout, recorder: recorder, layer: i) }
        return x.reshaped([input.batch, input.length, layout.width])
    }

    /// One set of attention maps per sequence of `input`.
    func attention(_ input: EncoderInput) -> [AttentionMaps] {
        let recorder = AttentionRecorder(sequences: input.batch, layers: layout.layers, heads: layout.heads,
                                         queries: input.length, keys: input.length)
        _ = hiddenStates(input, recorder: recorder)
        return recorder.maps
    }
}

/// An encoder without a head (a BertModel checkpoint): hidden states only.
final class BareEncoderModel: EncoderAttentionInspectable {
    let encoder: TransformerEncoder

    init(encoder: TransformerEncoder) { self.encoder = encoder }

    var vocabularySize: Int { encoder.layout.vocabularySize }
    var maxSequenceLength: Int { encoder.layout.maxSequenceLength }
    var paddingTokenID: Int { encoder.layout.paddingTokenID }
    var hiddenSize: Int { encoder.layout.width }

    func hiddenStates(_ input: EncoderInput) -> Tensor { encoder.hiddenStates(input) }

    func attention(_ input: EncoderInput) -> [AttentionMaps] { encoder.attention(input) }
}

/// An encoder with its masked-language-model head.
final class MaskedEncoderModel: MaskedLanguageModel, EncoderAttentionInspectable {
    let encoder: TransformerEncoder
    let head: MaskedLanguageModelHead

    init(encoder: TransformerEncoder, head: MaskedLanguageModelHead) {
        self.encoder = encoder
        self.head = head
    }

    var vocabularySize: Int { encoder.layout.vocabularySize }
    var maxSequenceLength: Int { encoder.layout.maxSequenceLength }
    var paddingTokenID: Int { encoder.layout.paddingTokenID }
    var hiddenSize: Int { encoder.layout.width }

    func hiddenStates(_ input: EncoderInput) -> Tensor { encoder.hiddenStates(input) }

    func attention(_ input: EncoderInput) -> [AttentionMaps] { encoder.attention(input) }

    func tokenLogits(hiddenStates: Tensor) -> Tensor { head(hiddenStates) }
}
