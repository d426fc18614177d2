/// A model's vocabulary: tokens and their ids, with tokens compared as bytes.
struct Vocabulary: Sendable {
    private let ids: ByteStringMap
    /// For each id, the entry of `ids` holding its token.
    private let tokenEntries: TokenEntries
    /// The length in bytes of the longest token.
    let longestTokenLength: Int
    /// The largest id, -1 when empty: ids need not be contiguous.
    let largestID: Int
    /// More tokens than this are refused: the largest published vocabularies have a few hundred thousand.
    static let maximumCount = 1 << 22

    /// Id to entry: an array indexed by id when the ids are dense enough, else a dictionary (ids may be sparse).
    enum TokenEntries: Sendable {
        case dense([Int32])
        case sparse([Int: Int32])

        init(_ pairs: [(id: Int, entry: Int32)], largestID: Int) {
            if largestID < 2 * pairs.count + 1024 {
                var entries = [Int32](repeating: -1, count: largestID + 1)
                for (id, entry) in pairs { entries[id] = entry }
                self = .dense(entries)
            } else {
                self = .sparse(Dictionary(pairs.map { ($0.id, $0.entry) }, uniquingKeysWith: { $1 }))
            }
        }

        func entry(_ id: Int) -> Int? {
            switch self {
            case .dense(let entries):
                guard id >= 0 && id < entries.count, entries[id] >= 0 else { return nil }
                return Int(entries[id])
            case .sparse(let entries):
                return entries[id].map { Int($0) }
            }
        }
    }

    /// `entries` may come in any order. When two tokens share an id (Hugging Face then keeps an arbitrary one),
    /// the id maps back to the one whose bytes sort first, so the choice does not depend on the order. A token
    /// given twice keeps its last id. `count` is the size the model reports, by default the number of distinct
    /// tokens; a unigram model counts its pieces, repeated ones too.
    init(entries: [(token: String, id: Int)], source: String, count: Int? = nil) throws {
        guard entries.count <= Self.maximumCount else {
            throw TokenizerError(path: source, problem: "\(entries.count) tokens is beyond the limit of \(Self.maximumCount)")
        }
        var ids = ByteStringMap(minimumCapacity: entries.count)
        var tokens: [Int: Int32] = [:]
        tokens.reserveCapacity(entries.count)
        for (token, id) in entries {
            guard id >= 0 && id <= Int(Int32.max) else {
                throw TokenizerError(
                    path: source, problem: "token \(token.debugDescription) has id \(id), outside 0...\(Int32.max)")
            }
            let entry = Int32(ids.set(token.utf8, to: id))
            if let other = tokens[id], ids.key(atEntry: Int(other)).utf8.lexicographicallyPrecedes(token.utf8) {
                continue
            }
            tokens[id] = entry
        }
        let pairs = tokens.map { (id: $0.key, entry: $0.value) }
        self.init(ids: ids, tokens: pairs, count: count ?? ids.count)
    }

    /// A vocabulary from its parts: the token map and, for each id, the entry of `ids` holding its token (each
    /// entry index below `ids.count`, each id in 0...Int32.max).
    init(ids: ByteStringMap, tokens: [(id: Int, entry: Int32)], count: Int) {
        let largestID = tokens.lazy.map(\.id).max() ?? -1
        self.ids = ids
        tokenEntries = TokenEntries(tokens, largestID: largestID)
        longestTokenLength = ids.storedParts.entries.lazy.map { Int($0.length) }.max() ?? 0
        self.largestID = largestID
        self.count = count
    }

    /// The number of tokens, which added tokens' ids follow.
    let count: Int

    /// The token map and each id's entry in it, as `init(ids:tokens:count:)` takes them.
    var storedParts: (ids: ByteStringMap, tokens: [(id: Int, entry: Int32)]) {
        switch tokenEntries {
        case .dense(let entries):
            return (ids, entries.enumerated().compactMap { id, entry in entry >= 0 ? (id, entry) : nil })
        case .sparse(let entries):
            return (ids, entries.map { (id: $0.key, entry: $0.value) }.sorted { $0.id < $1.id })
        }
    }

    func id(of token: String) -> Int? { ids.value(for: token.utf8) }

    func id(of token: some Collection<UInt8>) -> Int? { ids.value(for: token) }

    func token(for id: Int) -> String? { tokenEntries.entry(id).map { ids.key(atEntry: $0) } }

    func hasToken(for id: Int) -> Bool { tokenEntries.entry(id) != nil }
}
