import ZooModels
import ZooTensor
import ZooTokenizers

/// How the hidden states of a text's tokens become one vector.
public enum Pooling: String, Sendable, CaseIterable {
    /// The average over the text's tokens, special tokens included, padding excluded (sentence-transformers' mean).
    case mean
    /// The hidden state of the first token ([CLS] or <s>).
    case cls
}

/// Sentence embeddings: one vector per text from an encoder's last hidden states.
public struct EmbeddingPipeline {
    public let model: any EncoderModel
    public let tokenizer: Tokenizer
    public let name: String

    /// One vector per text, in order; with `normalize`, of unit length.
    public func callAsFunction(_ texts: [String], pooling: Pooling = .mean, normalize: Bool = false,
                               truncate: Bool = false) throws(ZooError) -> [[Float]] {
        let encoder = EncoderTexts(tokenizer: tokenizer, maxLength: model.maxSequenceLength, name: name)
        var sequences: [[Int]] = []
        for text in texts { sequences.append(try encoder.ids(of: text, truncate: truncate)) }
        return model.embeddings(of: sequences, pooling: pooling, normalize: normalize)
    }

    /// The cosine similarity of the embeddings of two texts.
    public func similarity(_ a: String, _ b: String, pooling: Pooling = .mean, truncate: Bool = false) throws(ZooError) -> Float {
        let vectors = try self([a, b], pooling: pooling, truncate: truncate)
        return cosineSimilarity(vectors[0], vectors[1])
    }
}

/// a·b / (|a| |b|), or 0 when either is the zero vector.
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "cosine similarity of vectors of \(a.count) and \(b.count) values")
    var dot: Double = 0, aa: Double = 0, bb: Double = 0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        aa += Double(x) * Double(x)
        bb += Double(y) * Double(y)
    }
    let norms = (aa * bb).squareRoot()
    return norms > 0 ? Float(dot / norms) : 0
}

extension EncoderModel {
    /// The pooled embedding of each token sequence, computed in padded batches of up to `batchSize` sequences.
    public func embeddings(of sequences: [[Int]], pooling: Pooling, normalize: Bool, batchSize: Int = 32) -> [[Float]] {
        stride(from: 0, to: sequences.count, by: batchSize).flatMap { start in
            let input = EncoderInput(sequences: Array(sequences[start..<min(start + batchSize, sequences.count)]),
                                     padding: paddingTokenID)
            let hidden = hiddenStates(input)
            return (0..<input.batch).map { b in
                let vector = pooled(hidden, sequence: b, of: input, pooling: pooling)
                return normalize ? normalized(vector) : vector
            }
        }
    }

    private func pooled(_ hidden: Tensor, sequence b: Int, of input: EncoderInput, pooling: Pooling) -> [Float] {
        let first = hidden.data + b * input.length * hiddenSize
        switch pooling {
        case .cls:
            return Array(UnsafeBufferPointer(start: first, count: hiddenSize))
        case .mean:
            var sum = [Float](repeating: 0, count: hiddenSize)
            var count = 0
            for t in 0..<input.length where input.mask[b * input.length + t] {
                let row = first + t * hiddenSize
                for i in 0..<hiddenSize { sum[i] += row[i] }
                count += 1
            }
            return sum.map { $0 / Float(max(count, 1)) }
        }
    }

    /// `vector` / max(|vector|, 1e-12), as torch.nn.functional.normalize.
    private func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / max(norm, 1e-12) }
    }
}

extension LoadedModel {
    /// The embedding pipeline of this model, or an error if it is not an encoder.
    public func embedder() throws -> EmbeddingPipeline {
        guard let encoder = model as? any EncoderModel else { throw unsupported("embed texts") }
        return EmbeddingPipeline(model: encoder, tokenizer: tokenizer, name: name)
    }
}
