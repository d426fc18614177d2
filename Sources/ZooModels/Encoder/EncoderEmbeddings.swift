import ZooTensor

/// The input of an encoder: token, position and (when the architecture has them) token type embeddings added,
/// then layer-normalised.
struct EncoderEmbeddings {
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor
    let tokenTypeEmbedding: Tensor?
    let normWeight, normBias: Tensor
    let positions: EncoderLayout.Positions
    let epsilon: Float

    init(_ layout: EncoderLayout, weights: any WeightStore) throws {
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        // Marked for bfloat16 activations, the table stays as stored: it is also the tied decoder of a masked-LM head.
        tokenEmbedding = try weights.productMatrix("token_embedding.weight")
        positionEmbedding = try load("position_embedding.weight")
        tokenTypeEmbedding = layout.tokenTypes > 0 ? try load("token_type_embedding.weight") : nil
        normWeight = try load("embedding_norm.weight")
        normBias = try load("embedding_norm.bias")
        positions = layout.positions
        epsilon = layout.epsilon
    }

    /// [batch × length, width].
    func callAsFunction(_ input: EncoderInput) -> Tensor {
        let x = embeddingLookup(tokenEmbedding, ids: input.ids)
        if let tokenTypeEmbedding { addInPlace(x, embeddingLookup(tokenTypeEmbedding, ids: input.tokenTypes)) }
        addInPlace(x, embeddingLookup(positionEmbedding, ids: positions.ids(for: input)))
        return layerNorm(x, weight: normWeight, bias: normBias, epsilon: epsilon)
    }
}
