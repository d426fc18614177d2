/// Replaces every match of a pattern, leftmost first and without overlaps (`"type": "Replace"`).
struct ReplaceNormalizer: Normalizer {
    let pattern: ReplacePattern
    let content: [UInt8]

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        pattern.replace(in: text, with: content)
    }

    /// Hugging Face aligns the replacement with the last character it replaces, or drops it when it is empty.
    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let match = pattern.matchAtStart(of: text) else { return false }
        return content.isEmpty || utf8Length(leadingByte: text[0]) < match.count
    }
}
