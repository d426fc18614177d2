/// WordPiece (`"type": "WordPiece"`), BERT's model: a word is cut from its start into the longest tokens the
/// vocabulary has, every piece after the first spelled with the continuing-subword prefix ("##"). A word that
/// cannot be cut so, or is longer than `maximumCharactersPerWord`, is the unknown token as a whole.
struct WordPieceModel: TokenizationModel {
    let vocabulary: Vocabulary
    let unknownID: Int
    let prefix: [UInt8]
    /// In Unicode scalars.
    let maximumCharactersPerWord: Int

    /// Hugging Face only fails when a word needs the unknown token and the vocabulary lacks it; here a vocabulary
    /// without it is an error about `source` at once.
    init(
        vocabulary: Vocabulary, unknownToken: String, continuingSubwordPrefix: String, maximumCharactersPerWord: Int,
        source: String
    ) throws {
        guard let unknownID = vocabulary.id(of: unknownToken) else {
            throw TokenizerError(
                path: source, problem: "the unknown token \(unknownToken.debugDescription) is not in the vocabulary")
        }
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        prefix = Array(continuingSubwordPrefix.utf8)
        self.maximumCharactersPerWord = maximumCharactersPerWord
    }

    func withWordEncoder<Result>(_ body: (any WordEncoder) -> Result) -> Result {
        body(WordPieceWordEncoder(model: self))
    }
}

/// Encodes the words of one encode call with a `WordPieceModel`, as Hugging Face's `WordPiece::tokenize` does.
final class WordPieceWordEncoder: WordEncoder {
    private let model: WordPieceModel
    /// The prefix and the rest of the word: the candidates for a piece after the first.
    private var candidate: [UInt8] = []

    init(model: WordPieceModel) {
        self.model = model
    }

    func encode(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        if word.isEmpty { return }
        var characters = 0
        for byte in word where byte & 0xC0 != 0x80 { characters += 1 }
        guard characters <= model.maximumCharactersPerWord else {
            ids.append(model.unknownID)
            return
        }
        let start = ids.count
        var position = 0
        while position < word.count {
            guard let piece = longestPiece(of: word, at: position) else {
                ids.removeSubrange(start...)
                ids.append(model.unknownID)
                return
            }
            ids.append(piece.id)
            position = piece.end
        }
    }

    /// The longest token that spells the word from `position` on, and where it ends. Hugging Face tries every end
    /// from the word's; ends beyond the longest token's length cannot match, so the search starts below them.
    private func longestPiece(of word: UnsafeBufferPointer<UInt8>, at position: Int) -> (id: Int, end: Int)? {
        let prefixLength = position == 0 ? 0 : model.prefix.count
        var end = min(word.count, position + model.vocabulary.longestTokenLength - prefixLength)
        while end > position && end < word.count && word[end] & 0xC0 == 0x80 { end -= 1 }
        func shorten() {
            end -= 1
            while end > position && word[end] & 0xC0 == 0x80 { end -= 1 }
        }
        if position == 0 {
            while end > 0 {
                if let id = model.vocabulary.id(of: UnsafeBufferPointer(rebasing: word[0..<end])) { return (id, end) }
                shorten()
            }
            return nil
        }
        guard end > position else { return nil }
        candidate.removeAll(keepingCapacity: true)
        candidate.append(contentsOf: model.prefix)
        candidate.append(contentsOf: word[position..<end])
        return candidate.withUnsafeBufferPointer { candidate in
            while end > position {
                let spelled = UnsafeBufferPointer(rebasing: candidate[0..<prefixLength + end - position])
                if let id = model.vocabulary.id(of: spelled) { return (id, end) }
                shorten()
            }
            return nil
        }
    }
}
