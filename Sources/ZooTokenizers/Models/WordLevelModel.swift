/// Whole words (Hugging Face's WordLevel): each word the pre-tokenizer gives is looked up as it is. A word missing
/// from the vocabulary is the unknown token when there is one; a vocabulary without one (a word list) gives such a
/// word no id, where Hugging Face would fail.
struct WordLevelModel: TokenizationModel {
    let vocabulary: Vocabulary
    let unknownID: Int?

    func withWordEncoder<Result>(_ body: (any WordEncoder) -> Result) -> Result {
        body(WordLevelWordEncoder(model: self))
    }
}

final class WordLevelWordEncoder: WordEncoder {
    private let model: WordLevelModel

    init(model: WordLevelModel) { self.model = model }

    func encode(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        if let id = model.vocabulary.id(of: word) ?? model.unknownID { ids.append(id) }
    }
}
