import ZooModels
import ZooTensor
import ZooTokenizers

/// One candidate for a masked token.
public struct FillMaskCandidate: Sendable, Equatable, Encodable {
    public let tokenID: Int
    /// The token as text, decoded alone (transformers' `token_str`).
    public let token: String
    /// The softmax probability of the token at the masked position.
    public let score: Float

    enum CodingKeys: String, CodingKey {
        case tokenID = "token_id", token, score
    }
}

/// Masked-word filling, as transformers' fill-mask pipeline does it: for each mask token of a text, the likeliest
/// tokens with their softmax probabilities, likeliest first.
public struct FillMaskPipeline {
    public let model: any MaskedLanguageModel
    public let tokenizer: Tokenizer
    public let name: String
    /// The model's mask token, such as "[MASK]" or "<mask>".
    public let maskToken: String
    public let maskTokenID: Int

    /// One list per mask token of `text`, in the order of the text, each of the `topK` likeliest tokens.
    public func callAsFunction(_ text: String, topK: Int = 5, truncate: Bool = false) throws(ZooError) -> [[FillMaskCandidate]] {
        guard topK >= 1 else { throw ZooError("top-k must be at least 1") }
        let texts = EncoderTexts(tokenizer: tokenizer, maxLength: model.maxSequenceLength, name: name)
        let ids = try texts.ids(of: text, truncate: truncate)
        guard ids.contains(maskTokenID) else {
            if truncate && tokenizer.encode(text).contains(maskTokenID) {
                throw ZooError("the text has no mask token left after truncation to the \(model.maxSequenceLength) tokens \(name) takes")
            }
            throw ZooError("the text has no mask token: mark what \(name) is to fill with \(maskToken)")
        }
        return model.fillMask(ids: ids, maskTokenID: maskTokenID, topK: topK).map { mask in
            mask.map { FillMaskCandidate(tokenID: $0.id, token: tokenizer.decode([$0.id]), score: $0.score) }
        }
    }
}

extension MaskedLanguageModel {
    /// For each position of `ids` holding `maskTokenID`, in order, the `topK` tokens of highest probability (equal
    /// ones by lower id), highest first.
    public func fillMask(ids: [Int], maskTokenID: Int, topK: Int) -> [[(id: Int, score: Float)]] {
        let positions = ids.indices.filter { ids[$0] == maskTokenID }
        guard !positions.isEmpty else { return [] }
        let hidden = hiddenStates(EncoderInput(sequences: [ids], padding: paddingTokenID))
            .reshaped([ids.count, hiddenSize])
        let rows = Tensor(zeros: [positions.count, hiddenSize])
        for (row, position) in positions.enumerated() {
            (rows.mutableData + row * hiddenSize).update(from: hidden.data + position * hiddenSize, count: hiddenSize)
        }
        let probabilities = tokenLogits(hiddenStates: rows)
        softmaxRowsInPlace(probabilities)
        return (0..<positions.count).map { row in
            let scores = probabilities.data + row * vocabularySize
            let ranked = (0..<vocabularySize).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            return ranked.prefix(topK).map { (id: $0, score: scores[$0]) }
        }
    }
}

extension LoadedModel {
    /// The fill-mask pipeline of this model, or an error if it has no masked-language-model head or its tokenizer
    /// no mask token.
    public func fillMask() throws -> FillMaskPipeline {
        guard let masked = model as? any MaskedLanguageModel else { throw unsupported("fill masks") }
        guard let token = tokenizer.maskToken, let id = tokenizer.maskTokenID else {
            throw ZooError("\(name): the tokenizer has no mask token")
        }
        return FillMaskPipeline(model: masked, tokenizer: tokenizer, name: name, maskToken: token, maskTokenID: id)
    }
}
