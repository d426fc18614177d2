/// WordPiece's decoder (`"type": "WordPiece"`): a token with the continuing-subword prefix joins the one before
/// without it, any other token after the first is preceded by a space. With `cleanup`, each token's text is then
/// tidied as Hugging Face does: " ." becomes ".", " n't" becomes "n't", and so on. Like Hugging Face, the cleanup
/// looks at one token (and the space put before it) at a time.
struct WordPieceDecoder: TokenByTokenDecoder {
    let prefix: String
    let cleanup: Bool

    private static let cleanups: [(pattern: [UInt8], replacement: [UInt8])] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ].map { (Array($0.utf8), Array($1.utf8)) }

    func decode(_ token: [UInt8], position: Int) -> [UInt8] {
        var text = token
        if position > 0 {
            if text.starts(with: prefix.utf8) {
                text.removeFirst(prefix.utf8.count)
            } else {
                text.insert(UInt8(ascii: " "), at: 0)
            }
        }
        // Every pattern starts with a space.
        if cleanup && text.contains(UInt8(ascii: " ")) {
            for (pattern, replacement) in Self.cleanups {
                text = text.withUnsafeBufferPointer { replacingOccurrences(of: pattern, with: replacement, in: $0) }
            }
        }
        return text
    }
}
