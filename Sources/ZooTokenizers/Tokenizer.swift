import Foundation

/// A tokenizer as Hugging Face publishes them, giving the ids the Python `tokenizers` library gives.
///
/// Load one with `load(directory:)` or `load(file:)`. It can be shared between threads.
public final class Tokenizer: Sendable {
    let addedVocabulary: AddedVocabulary
    let normalizer: (any Normalizer)?
    let preTokenizer: (any PreTokenizer)?
    let model: any TokenizationModel
    let postProcessor: (any PostProcessor)?
    let decoder: any TokenDecoder

    /// The number of distinct tokens, added tokens included (`get_vocab_size()` in Hugging Face). Ids need not
    /// be contiguous, so this is not necessarily the largest id plus one.
    public let vocabularySize: Int

    init(
        addedTokens: [AddedToken],
        normalizer: (any Normalizer)?,
        preTokenizer: (any PreTokenizer)?,
        model: any TokenizationModel,
        postProcessor: (any PostProcessor)?,
        decoder: (any TokenDecoder)?
    ) {
        addedVocabulary = AddedVocabulary(addedTokens, model: model.vocabulary)
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder ?? JoiningDecoder()
        vocabularySize = model.vocabulary.count + addedVocabulary.countBeyondModel
    }

    /// Loads the tokenizer in `directory`: its tokenizer.json, or else its vocab.json and merges.txt.
    public static func load(directory: URL) throws -> Tokenizer {
        try TokenizerFiles.load(directory: directory)
    }

    /// Loads a tokenizer.json, or a vocab.json with its merges.txt beside it. A file whose name ends in
    /// "tokenizer.json" is read as a tokenizer.json; another is one when its "model" is an object.
    public static func load(file: URL) throws -> Tokenizer {
        try TokenizerFiles.load(file: file)
    }

    /// The ids of `text`, as `tokenizer.encode(text).ids` gives them in Hugging Face.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        var encoding = Encoding(withTokens: false)
        encode(text, into: &encoding, addSpecialTokens: addSpecialTokens)
        return encoding.ids
    }

    /// The ids of `text` and their tokens, as `encoding.ids` and `encoding.tokens` in Hugging Face. An added
    /// token's token is the text it matched, stripped whitespace included.
    public func encodeWithTokens(_ text: String, addSpecialTokens: Bool = true) -> (ids: [Int], tokens: [String]) {
        var encoding = Encoding(withTokens: true)
        encode(text, into: &encoding, addSpecialTokens: addSpecialTokens)
        return (encoding.ids, encoding.tokens ?? [])
    }

    /// The text of `ids`, as Hugging Face's `decode`. Unknown ids are skipped; bytes that are not valid UTF-8
    /// become U+FFFD.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        var position = 0
        for id in ids {
            guard let token = decodedToken(for: id, skipSpecialTokens: skipSpecialTokens) else { continue }
            decoder.appendBytes(of: token, position: position, to: &bytes)
            position += 1
        }
        return bytes.withUnsafeBufferPointer { UTF8Repair.decode($0, isFinal: true).text }
    }

    /// The token with id `id`, added tokens first, as `id_to_token` in Hugging Face.
    public func token(for id: Int) -> String? {
        addedVocabulary.token(for: id)?.content ?? model.vocabulary.token(for: id)
    }

    /// The id of `token`, added tokens first, as `token_to_id` in Hugging Face.
    public func id(for token: String) -> Int? {
        addedVocabulary.id(of: token) ?? model.vocabulary.id(of: token)
    }

    /// The id of the special token `special`, such as "<|endoftext|>"; nil if it is not a special token.
    public func tokenID(special: String) -> Int? {
        addedVocabulary.isSpecial(special) ? addedVocabulary.id(of: special) : nil
    }

    /// The token that decoding uses for `id`, or nil when the id is unknown or a special token to skip.
    func decodedToken(for id: Int, skipSpecialTokens: Bool) -> String? {
        guard let token = token(for: id) else { return nil }
        return skipSpecialTokens && addedVocabulary.isSpecial(token) ? nil : token
    }

    private func encode(_ text: String, into encoding: inout Encoding, addSpecialTokens: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            model.withWordEncoder { encoder in
                for piece in addedVocabulary.rawMatcher.split(utf8) {
                    switch piece {
                    case .token(let id, let range):
                        appendAddedToken(id, UnsafeBufferPointer(rebasing: utf8[range]), to: &encoding)
                    case .text(let range):
                        let raw = UnsafeBufferPointer(rebasing: utf8[range])
                        if let normalizer {
                            normalizer.normalize(raw).withUnsafeBufferPointer {
                                encodeNormalized($0, encoder: encoder, into: &encoding)
                            }
                        } else {
                            encodeNormalized(raw, encoder: encoder, into: &encoding)
                        }
                    }
                }
            }
        }
        if addSpecialTokens, let postProcessor { postProcessor.process(&encoding) }
    }

    private func encodeNormalized(
        _ text: UnsafeBufferPointer<UInt8>, encoder: any WordEncoder, into encoding: inout Encoding
    ) {
        for piece in addedVocabulary.normalizedMatcher.split(text) {
            switch piece {
            case .token(let id, let range):
                appendAddedToken(id, UnsafeBufferPointer(rebasing: text[range]), to: &encoding)
            case .text(let range):
                let piece = UnsafeBufferPointer(rebasing: text[range])
                guard let preTokenizer else {
                    encodeWord(piece, encoder: encoder, into: &encoding)
                    continue
                }
                preTokenizer.forEachWord(in: piece) { encodeWord($0, encoder: encoder, into: &encoding) }
            }
        }
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, encoder: any WordEncoder, into encoding: inout Encoding)
    {
        let start = encoding.ids.count
        encoder.encode(word, into: &encoding.ids)
        guard encoding.tokens != nil else { return }
        for id in encoding.ids[start...] { encoding.tokens?.append(model.vocabulary.token(for: id) ?? "") }
    }

    private func appendAddedToken(_ id: Int, _ matched: UnsafeBufferPointer<UInt8>, to encoding: inout Encoding) {
        encoding.ids.append(id)
        encoding.tokens?.append(String(decoding: matched, as: UTF8.self))
    }
}
