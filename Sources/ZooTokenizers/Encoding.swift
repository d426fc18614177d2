/// A text, or a pair of texts, encoded: Hugging Face's `Encoding` without offsets.
public struct Encoding: Sendable, Equatable {
    /// The token ids, special tokens included.
    public let ids: [Int]
    /// Each token's type id, which BERT calls token_type_ids: with BERT's template 0 for "[CLS] A [SEP]" and 1 for
    /// "B [SEP]"; a tokenizer without a template gives 0 to the first text and 1 to the second.
    public let typeIDs: [Int]
    /// The tokens as the vocabulary spells them; an added token's is the text it matched.
    public let tokens: [String]
}
