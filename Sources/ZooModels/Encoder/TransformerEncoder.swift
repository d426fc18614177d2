import ZooTensor

/// An encoder ready to run, its weights in float32: the embeddings, then the layers.
final class TransformerEncoder {
    let layout: EncoderLayout
    let embeddings: EncoderEmbeddings
    let blocks: [EncoderBlock]

    init(_ layout: EncoderLayout, weights: any WeightStore) throws {
        self.layout = layout
        embeddings = try EncoderEmbeddings(layout, weights: weights)
        blocks = try (0..<layout.layers).map { try EncoderBlock(index: $0, weights: weights) }
    }

    /// [batch, length, width].
    func hiddenStates(_ input: EncoderInput) -> Tensor {
        precondition(input.length <= layout.maxSequenceLength,
                     "encoder: sequences of \(input.length) tokens, the model takes at most \(layout.maxSequenceLength)")
        var x = embeddings(input)
        for block in blocks { x = block(x, input: input, layout: layout) }
        return x.reshaped([input.batch, input.length, layout.width])
    }
}

/// An encoder without a head (a BertModel checkpoint): hidden states only.
final class BareEncoderModel: EncoderModel {
    let encoder: TransformerEncoder

    init(encoder: TransformerEncoder) { self.encoder = encoder }

    var vocabularySize: Int { encoder.layout.vocabularySize }
    var maxSequenceLength: Int { encoder.layout.maxSequenceLength }
    var paddingTokenID: Int { encoder.layout.paddingTokenID }
    var hiddenSize: Int { encoder.layout.width }

    func hiddenStates(_ input: EncoderInput) -> Tensor { encoder.hiddenStates(input) }
}

/// An encoder with its masked-language-model head.
final class MaskedEncoderModel: MaskedLanguageModel {
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

    func tokenLogits(hiddenStates: Tensor) -> Tensor { head(hiddenStates) }
}
