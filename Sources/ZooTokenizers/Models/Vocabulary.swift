/// A model's vocabulary: tokens and their ids, with tokens compared as bytes.
struct Vocabulary: Sendable {
    private let ids: ByteStringMap
    private let tokens: [Int: String]
    /// The length in bytes of the longest token.
    let longestTokenLength: Int
    /// The largest id, -1 when empty: ids need not be contiguous.
    let largestID: Int
    /// More tokens than this are refused: the largest published vocabularies have a few hundred thousand.
    static let maximumCount = 1 << 22

    /// `entries` may come in any order. When two tokens share an id (Hugging Face then keeps an arbitrary one),
    /// the id maps back to the one whose bytes sort first, so the choice does not depend on the order. A token
    /// given twice keeps its last id. `count` is the size the model reports, by default the number of distinct
    /// tokens; a unigram model counts its pieces, repeated ones too.
    init(entries: [(token: String, id: Int)], source: String, count: Int? = nil) throws {
        guard entries.count <= Self.maximumCount else {
            throw TokenizerError(path: source, problem: "\(entries.count) tokens is beyond the limit of \(Self.maximumCount)")
        }
        var ids = ByteStringMap(minimumCapacity: entries.count)
        var tokens: [Int: String] = [:]
        tokens.reserveCapacity(entries.count)
        var longestTokenLength = 0
        for (token, id) in entries {
            guard id >= 0 && id <= Int(Int32.max) else {
                throw TokenizerError(
                    path: source, problem: "token \(token.debugDescription) has id \(id), outside 0...\(Int32.max)")
            }
            ids.set(token.utf8, to: id)
            longestTokenLength = max(longestTokenLength, token.utf8.count)
            if let other = tokens[id], other.utf8.lexicographicallyPrecedes(token.utf8) { continue }
            tokens[id] = token
        }
        self.ids = ids
        self.tokens = tokens
        self.longestTokenLength = longestTokenLength
        self.largestID = tokens.keys.max() ?? -1
        self.count = count ?? ids.count
    }

    /// The number of tokens, which added tokens' ids follow.
    let count: Int

    func id(of token: String) -> Int? { ids.value(for: token.utf8) }

    func id(of token: some Collection<UInt8>) -> Int? { ids.value(for: token) }

    func token(for id: Int) -> String? { tokens[id] }
}
