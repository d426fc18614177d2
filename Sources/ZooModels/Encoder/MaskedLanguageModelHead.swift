import ZooTensor

/// The masked-language-model head of BERT-style encoders: a dense transform, the activation and a layer norm,
/// then a decoder onto the vocabulary (the token embedding when tied) plus a bias of its own.
struct MaskedLanguageModelHead {
    let denseWeight, denseBias, normWeight, normBias, decoderWeight, bias: Tensor
    let activation: Activation
    let epsilon: Float

    init(_ layout: EncoderLayout, activation: Activation, weights: any WeightStore, tokenEmbedding: Tensor) throws {
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        denseWeight = try weights.productMatrix("mlm_head.dense.weight")
        denseBias = try load("mlm_head.dense.bias")
        normWeight = try load("mlm_head.norm.weight")
        normBias = try load("mlm_head.norm.bias")
        decoderWeight = layout.tiedDecoder ? tokenEmbedding : try weights.productMatrix("mlm_head.decoder.weight")
        bias = try load("mlm_head.bias")
        self.activation = activation
        epsilon = layout.epsilon
    }

    /// [n, width] hidden states to [n, vocabulary] logits.
    func callAsFunction(_ hidden: Tensor) -> Tensor {
        let h = linear(hidden, weight: denseWeight, bias: denseBias)
        activation.apply(h)
        return linear(layerNorm(h, weight: normWeight, bias: normBias, epsilon: epsilon), weight: decoderWeight, bias: bias)
    }
}
