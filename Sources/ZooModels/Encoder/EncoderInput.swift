/// A batch of token sequences for an encoder, padded on the right to one length, with Hugging Face's
/// `attention_mask` and `token_type_ids`. Entries are row-major: sequence b is entries b·length ..< (b+1)·length.
public struct EncoderInput: Sendable, Equatable {
    public let batch: Int
    public let length: Int
    public let ids: [Int]
    /// True at the tokens of a sequence, false at its padding.
    public let mask: [Bool]
    /// The segment of each token (0 for a single text, 1 for the second of a pair).
    public let tokenTypes: [Int]

    public init(batch: Int, length: Int, ids: [Int], mask: [Bool], tokenTypes: [Int]) {
        precondition(ids.count == batch * length && mask.count == ids.count && tokenTypes.count == ids.count,
                     "encoder input: \(ids.count) ids, \(mask.count) mask entries and \(tokenTypes.count) types for \(batch) × \(length)")
        self.batch = batch
        self.length = length
        self.ids = ids
        self.mask = mask
        self.tokenTypes = tokenTypes
    }

    /// `sequences` padded with `padding` to the longest one; token types are all 0 unless given.
    public init(sequences: [[Int]], padding: Int, tokenTypes types: [[Int]]? = nil) {
        precondition(types.map { $0.map(\.count) == sequences.map(\.count) } ?? true, "token types do not fit the sequences")
        let length = sequences.map(\.count).max() ?? 0
        var ids: [Int] = [], mask: [Bool] = [], tokenTypes: [Int] = []
        for (index, sequence) in sequences.enumerated() {
            let pad = length - sequence.count
            ids += sequence + Array(repeating: padding, count: pad)
            mask += Array(repeating: true, count: sequence.count) + Array(repeating: false, count: pad)
            tokenTypes += (types?[index] ?? Array(repeating: 0, count: sequence.count)) + Array(repeating: 0, count: pad)
        }
        self.init(batch: sequences.count, length: length, ids: ids, mask: mask, tokenTypes: tokenTypes)
    }

    /// The number of tokens (not padding) of sequence `b`.
    public func tokenCount(of b: Int) -> Int {
        mask[(b * length)..<((b + 1) * length)].reduce(0) { $0 + ($1 ? 1 : 0) }
    }
}
