/// A tokenizer's added tokens with their ids, and the matchers that find them in text.
struct AddedVocabulary: Sendable {
    private let tokensByID: [Int: AddedToken]
    private let idsByContent: ByteStringMap
    private let specialContents: ByteStringMap
    /// Matches the tokens that are found in raw text (`normalized: false`).
    let rawMatcher: AddedTokenMatcher
    /// Matches the tokens that are found in normalized text.
    let normalizedMatcher: AddedTokenMatcher
    /// How many added tokens the model's vocabulary does not have.
    let countBeyondModel: Int

    /// Gives ids as Hugging Face's `add_tokens` does: the model's id for a token it has, else the next id after
    /// the model's vocabulary size. The ids written beside added tokens in tokenizer.json are not used, as there.
    init(_ tokens: [AddedToken], model: Vocabulary) {
        var tokensByID: [Int: AddedToken] = [:]
        var idsByContent = ByteStringMap()
        var specialContents = ByteStringMap()
        var nextID = model.count
        var countBeyondModel = 0
        for token in tokens where !token.content.isEmpty {
            let known = idsByContent.value(for: token.content.utf8)
            if let known, tokensByID[known] == token { continue }
            let id: Int
            if let existing = known ?? model.id(of: token.content) {
                id = existing
            } else {
                id = nextID
                nextID += 1
                countBeyondModel += 1
            }
            idsByContent.set(token.content.utf8, to: id)
            if token.special { specialContents.set(token.content.utf8, to: id) }
            tokensByID[id] = token
        }
        let entries = tokensByID.sorted { $0.key < $1.key }.map { (id: $0.key, token: $0.value) }
        self.tokensByID = tokensByID
        self.idsByContent = idsByContent
        self.specialContents = specialContents
        self.countBeyondModel = countBeyondModel
        rawMatcher = AddedTokenMatcher(entries.filter { !$0.token.normalized })
        normalizedMatcher = AddedTokenMatcher(entries.filter { $0.token.normalized })
    }

    func id(of content: String) -> Int? { idsByContent.value(for: content.utf8) }

    func token(for id: Int) -> AddedToken? { tokensByID[id] }

    /// Whether `content` is the content of a special added token.
    func isSpecial(_ content: String) -> Bool { specialContents.value(for: content.utf8) != nil }
}
