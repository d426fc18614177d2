// The stages of a tokenizer, as Hugging Face's `tokenizers` runs them. Encoding: added tokens are split off the
// raw text; each remaining piece is normalized, then split off the added tokens that match normalized text;
// the pre-tokenizer cuts what is left into words and the model turns each word into ids; the post-processor
// finally adds special tokens around the text, or the pair of texts, and gives each token its type id. Decoding
// maps ids to tokens and hands them to the decoder. Text travels as UTF-8 bytes throughout.

/// Rewrites text before it is split into words (`normalizer` in tokenizer.json).
protocol Normalizer: Sendable {
    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]
}

/// Cuts text into words (`pre_tokenizer`).
protocol PreTokenizer: Sendable {
    /// Calls `body` with each word in order, as the bytes the model is given.
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void)
}

/// Turns words into ids (`model`).
protocol TokenizationModel: Sendable {
    var vocabulary: Vocabulary { get }
    /// Runs `body` with an encoder for the words of one encode call. The encoder is not shared while `body` runs,
    /// so it may keep caches without locking.
    func withWordEncoder<Result>(_ body: (any WordEncoder) -> Result) -> Result
}

protocol WordEncoder: AnyObject {
    func encode(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int])
}

/// Adds special tokens around the encoded texts and gives their tokens type ids (`post_processor`).
protocol PostProcessor: Sendable {
    /// Hugging Face's `process_encodings`: `parts` holds the text, or the pair of texts, each with type id 0 and 1
    /// as encoded; the result is the parts of the final encoding in order.
    func process(_ parts: [EncodingPart], addSpecialTokens: Bool) -> [EncodingPart]
}

/// Turns tokens back into text (`decoder`). The text of a token sequence is the UTF-8 decoding, with repair,
/// of the bytes appended for each token in turn.
protocol TokenDecoder: Sendable {
    /// Appends the bytes of `token`, which is the `position`-th token being decoded (0 for the first).
    func appendBytes(of token: String, position: Int, to bytes: inout [UInt8])
}

/// A stretch of an encoding whose tokens share one type id: an encoded text, or the special tokens a
/// post-processor adds. The tokens are kept only when the caller asked for them.
struct EncodingPart {
    var ids: [Int] = []
    var tokens: [String]?
    var typeID = 0

    init(withTokens: Bool, typeID: Int = 0) {
        tokens = withTokens ? [] : nil
        self.typeID = typeID
    }

    /// Special tokens added by a post-processor.
    init(ids: [Int], tokens: [String], typeID: Int, withTokens: Bool) {
        self.ids = ids
        self.tokens = withTokens ? tokens : nil
        self.typeID = typeID
    }
}
