// The stages of a tokenizer, as Hugging Face's `tokenizers` runs them. Encoding: added tokens are split off the
// raw text; each remaining piece is normalized, then split off the added tokens that match normalized text;
// the pre-tokenizer cuts what is left into words and the model turns each word into ids; the post-processor
// finally adds special tokens around the text, or the pair of texts, and gives each token its type id. Decoding
// maps ids to tokens and hands them to the decoder. Text travels as UTF-8 bytes throughout.

/// Rewrites text before it is split into words (`normalizer` in tokenizer.json).
protocol Normalizer: Sendable {
    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]
    /// Whether the first character of `text` normalized no longer stands for the first character of `text` in
    /// Hugging Face's alignments, as when leading whitespace is stripped. Metaspace's "first" scheme asks, as it
    /// prepends its replacement only to text that starts the input.
    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool
}

extension Normalizer {
    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool { false }
}

/// Cuts text into words (`pre_tokenizer`).
protocol PreTokenizer: Sendable {
    /// Calls `body` with each word in order, as the bytes the model is given.
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void)
    /// As `forEachWord(in:_:)`, told whether `text` starts the input and telling `body` whether each word does.
    func forEachWord(
        in text: UnsafeBufferPointer<UInt8>, startsInput: Bool, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void)
    /// Whether the words depend on where the text starts, so that the tokenizer must work it out.
    var needsInputStart: Bool { get }
}

extension PreTokenizer {
    /// A word starts the input when it starts a text that does: the words of these pre-tokenizers are slices of it.
    func forEachWord(
        in text: UnsafeBufferPointer<UInt8>, startsInput: Bool, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void
    ) {
        forEachWord(in: text) { word in body(word, startsInput && word.baseAddress == text.baseAddress) }
    }

    var needsInputStart: Bool { false }
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
    /// Also appends the tokens, as Hugging Face's `Encoding.tokens` spells them.
    func encode(
        _ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int], tokens: inout [String], vocabulary: Vocabulary)
}

extension WordEncoder {
    /// The vocabulary's token for each id, as BPE and WordPiece spell them.
    func encode(
        _ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int], tokens: inout [String], vocabulary: Vocabulary
    ) {
        let start = ids.count
        encode(word, into: &ids)
        for id in ids[start...] { tokens.append(vocabulary.token(for: id) ?? "") }
    }
}

/// Adds special tokens around the encoded texts and gives their tokens type ids (`post_processor`).
protocol PostProcessor: Sendable {
    /// Hugging Face's `process_encodings`: `parts` holds the text, or the pair of texts, each with type id 0 and 1
    /// as encoded; the result is the parts of the final encoding in order.
    func process(_ parts: [EncodingPart], addSpecialTokens: Bool) -> [EncodingPart]
}

/// Turns tokens back into text (`decoder`), as Hugging Face's `decode_chain`: the tokens, as UTF-8 bytes, are
/// rewritten into pieces whose bytes, joined and decoded as UTF-8 with repair, are the text.
protocol TokenDecoder: Sendable {
    /// Rewrites `tokens`, the first of which is the `position`-th token being decoded (0 for the first).
    func decode(_ tokens: inout [[UInt8]], from position: Int)
    /// Whether each token is rewritten on its own, knowing only its position, so that a stream can decode tokens
    /// one at a time.
    var decodesTokensAlone: Bool { get }
}

/// A decoder that rewrites each token on its own.
protocol TokenByTokenDecoder: TokenDecoder {
    /// The bytes of `token`, the `position`-th token being decoded.
    func decode(_ token: [UInt8], position: Int) -> [UInt8]
}

extension TokenByTokenDecoder {
    func decode(_ tokens: inout [[UInt8]], from position: Int) {
        for index in tokens.indices { tokens[index] = decode(tokens[index], position: position + index) }
    }

    var decodesTokensAlone: Bool { true }
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
