/// A token found in the text before anything else is done to it (tokenizer.json `added_tokens`), such as
/// "<|endoftext|>". The text between added tokens is encoded as usual.
struct AddedToken: Sendable, Equatable {
    var content: String
    /// Matches only where no word character touches it on either side.
    var singleWord = false
    /// Takes the whitespace before it into the match (it then encodes to nothing).
    var leftStrip = false
    /// Takes the whitespace after it into the match.
    var rightStrip = false
    /// Matched in normalized text, after the tokens that are not; otherwise matched in the raw text.
    var normalized = true
    /// Dropped by `decode(_:skipSpecialTokens:)`.
    var special = false
}
