/// Replaces every occurrence of a string, leftmost first and without overlaps (`"type": "Replace"` with a
/// `{"String": ...}` pattern).
struct ReplaceNormalizer: Normalizer {
    /// Not empty.
    let pattern: [UInt8]
    let content: [UInt8]

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        replacingOccurrences(of: pattern, with: content, in: text)
    }
}
