/// Ids of words already encoded. Text repeats its words, so most words are found here instead of being merged
/// again. When full it starts over, which keeps memory bounded without bookkeeping.
struct WordCache: Sendable {
    /// Longer words are not cached (Hugging Face's limit too): they are rare and would crowd out the rest.
    static let maximumWordLength = 256
    private static let capacity = 1 << 16
    /// Ids kept in all, below which every word starts, so that its `start << 9 | count` fits a map value (31 bits;
    /// a word of at most 256 bytes has at most 256 ids).
    private static let idCapacity = 1 << 22

    /// Word bytes to `start << 9 | count` in `ids`.
    private var words = ByteStringMap(minimumCapacity: 1024)
    private var ids: [Int32] = []

    /// Appends the cached ids of `word` to `output` and returns true, or returns false if it is not cached.
    /// Mutating only so that a call on a class's stored cache passes it in place: a non-mutating call would
    /// copy it first, retaining each of its arrays, for every word.
    mutating func append(_ word: UnsafeBufferPointer<UInt8>, to output: inout [Int]) -> Bool {
        guard let packed = words.value(for: word) else { return false }
        let start = packed >> 9
        for index in start..<start + (packed & 0x1FF) { output.append(Int(ids[index])) }
        return true
    }

    mutating func store(_ word: UnsafeBufferPointer<UInt8>, ids wordIDs: some Collection<Int>) {
        guard word.count <= Self.maximumWordLength, wordIDs.count < 1 << 9 else { return }
        if words.count == Self.capacity || ids.count + wordIDs.count >= Self.idCapacity {
            words.removeAll()
            ids.removeAll(keepingCapacity: true)
        }
        words.set(word, to: ids.count << 9 | wordIDs.count)
        for id in wordIDs { ids.append(Int32(id)) }
    }
}
