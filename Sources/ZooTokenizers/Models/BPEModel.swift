import Synchronization

/// Byte-pair encoding (`"type": "BPE"`): a word starts as one symbol per character and the ranked merges are
/// applied until none fits.
final class BPEModel: TokenizationModel {
    struct Options {
        var unknownToken: String?
        /// Consecutive unknown characters become one unknown token.
        var fuseUnknown = false
        /// Unknown characters become their bytes' `<0xAB>` tokens when the vocabulary has all of them.
        var byteFallback = false
        /// Prepended to every symbol but a word's first (`##` in WordPiece-style vocabularies).
        var continuingSubwordPrefix = ""
        /// Appended to a word's last symbol (`</w>` in the original BPE).
        var endOfWordSuffix = ""
        /// A word that is itself in the vocabulary is encoded as that token, without merging.
        var ignoreMerges = false
    }

    let vocabulary: Vocabulary
    let merges: MergeTable
    let options: Options
    let prefix: [UInt8]
    let suffix: [UInt8]
    /// Nil when there is no unknown token or the vocabulary lacks it; unknown characters are then dropped
    /// (Hugging Face drops them in the first case and fails to encode in the second).
    let unknownID: Int32?
    /// The `<0xAB>` token of each byte, or -1 where the vocabulary lacks it; nil without byte fallback.
    let byteFallbackIDs: [Int32]?
    /// Ids of the one-character tokens below U+0800, or -1: the starting symbols of most words, found without
    /// hashing. Empty when a prefix or suffix changes what a character's symbol is.
    let smallCharacterIDs: [Int32]
    static let smallCharacterLimit = 0x800

    private let idleCaches = Mutex<[WordCache]>([])

    /// `merges` in rank order; `source` names the file for errors.
    convenience init(vocabulary: Vocabulary, merges: [(String, String)], options: Options, source: String) throws {
        let table = try Self.mergeTable(
            merges, vocabulary: vocabulary, prefixLength: options.continuingSubwordPrefix.utf8.count, source: source)
        self.init(vocabulary: vocabulary, mergeTable: table, options: options)
    }

    /// A model whose merge table is already built (from a cache of one built by the other initializer).
    init(vocabulary: Vocabulary, mergeTable: MergeTable, options: Options) {
        self.vocabulary = vocabulary
        self.options = options
        prefix = Array(options.continuingSubwordPrefix.utf8)
        suffix = Array(options.endOfWordSuffix.utf8)
        merges = mergeTable
        unknownID = options.unknownToken.flatMap { vocabulary.id(of: $0) }.map { Int32($0) }
        byteFallbackIDs = options.byteFallback ? Self.byteTokenIDs(vocabulary) : nil
        smallCharacterIDs = prefix.isEmpty && suffix.isEmpty ? Self.smallCharacterIDs(vocabulary) : []
    }

    func withWordEncoder<Result>(_ body: (any WordEncoder) -> Result) -> Result {
        let cache = idleCaches.withLock { $0.popLast() } ?? WordCache()
        let encoder = BPEWordEncoder(model: self, cache: cache)
        let result = body(encoder)
        let used = encoder.cache
        idleCaches.withLock { caches in
            if caches.count < 8 { caches.append(used) }
        }
        return result
    }

    private static func mergeTable(
        _ merges: [(String, String)], vocabulary: Vocabulary, prefixLength: Int, source: String
    ) throws -> MergeTable {
        var table = MergeTable(minimumCapacity: merges.count)
        var mergedBytes: [UInt8] = []
        for (rank, (left, right)) in merges.enumerated() {
            func error(_ problem: String) -> TokenizerError {
                let merge = "merge \(rank + 1) (\(left.debugDescription) \(right.debugDescription))"
                return TokenizerError(path: source, problem: "\(merge) \(problem)")
            }
            func id(_ token: some Collection<UInt8>) throws -> Int32 {
                guard let id = vocabulary.id(of: token) else {
                    let name = String(decoding: token, as: UTF8.self).debugDescription
                    throw error("needs \(name), which is not in the vocabulary")
                }
                return Int32(id)
            }
            let leftID = try id(left.utf8)
            let rightID = try id(right.utf8)
            // The merged token drops the right side's continuing-subword prefix, byte-wise as Hugging Face does.
            guard right.utf8.count >= prefixLength else {
                throw error("has a right token shorter than the continuing-subword prefix")
            }
            mergedBytes.removeAll(keepingCapacity: true)
            mergedBytes.append(contentsOf: left.utf8)
            mergedBytes.append(contentsOf: right.utf8.dropFirst(prefixLength))
            let merged = try id(mergedBytes)
            table.set(leftID, rightID, MergeTable.Merge(rank: Int32(rank), merged: merged))
        }
        return table
    }

    private static func byteTokenIDs(_ vocabulary: Vocabulary) -> [Int32] {
        (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return vocabulary.id(of: "<0x\(hex.count == 1 ? "0" + hex : hex)>").map { Int32($0) } ?? -1
        }
    }

    private static func smallCharacterIDs(_ vocabulary: Vocabulary) -> [Int32] {
        (0..<smallCharacterLimit).map { value in
            guard let scalar = Unicode.Scalar(value) else { return -1 }
            return vocabulary.id(of: String(Character(scalar))).map { Int32($0) } ?? -1
        }
    }
}
