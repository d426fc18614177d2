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

    /// The tokens playing each part, with their ids.
    private let roles: [SpecialTokenRole: (token: String, id: Int)]

    /// The number of distinct tokens, added tokens included (`get_vocab_size()` in Hugging Face). Ids need not
    /// be contiguous, so this is not necessarily the largest id plus one.
    public let vocabularySize: Int
    /// One more than the largest id the tokenizer can give: the rows an embedding table needs for it.
    public let idLimit: Int

    /// `roleNames` are the tokens the files name for parts (tokenizer_config.json's `mask_token`, ...). A part
    /// they leave unnamed goes to a special added token with one of the part's conventional contents, if any,
    /// unless the files name it for something else (`reservedTokens`, such as T5's end token "</s>").
    init(
        addedTokens: [AddedToken],
        normalizer: (any Normalizer)?,
        preTokenizer: (any PreTokenizer)?,
        model: any TokenizationModel,
        postProcessor: (any PostProcessor)?,
        decoder: (any TokenDecoder)?,
        roleNames: [SpecialTokenRole: String] = [:],
        reservedTokens: Set<String> = []
    ) {
        let addedVocabulary = AddedVocabulary(addedTokens, model: model.vocabulary)
        self.addedVocabulary = addedVocabulary
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder ?? JoiningDecoder()
        vocabularySize = model.vocabulary.count + addedVocabulary.countBeyondModel
        idLimit = max(model.vocabulary.largestID + 1, model.vocabulary.count + addedVocabulary.countBeyondModel)
        var roles: [SpecialTokenRole: (token: String, id: Int)] = [:]
        for role in SpecialTokenRole.allCases {
            if let name = roleNames[role] {
                if let id = addedVocabulary.id(of: name) ?? model.vocabulary.id(of: name) { roles[role] = (name, id) }
            } else if let token = role.conventionalContents.first(where: {
                addedVocabulary.isSpecial($0) && !reservedTokens.contains($0)
            }) {
                roles[role] = (token, addedVocabulary.id(of: token)!)
            }
        }
        self.roles = roles
    }

    /// Loads the tokenizer in `directory`: its tokenizer.json, or else its vocab.json and merges.txt, or else its
    /// WordPiece vocab.txt. The tokenizer_config.json beside them is read too.
    public static func load(directory: URL) throws -> Tokenizer {
        try TokenizerFiles.load(directory: directory)
    }

    /// Loads a tokenizer.json, a vocab.json with its merges.txt beside it, or a WordPiece vocabulary (a file whose
    /// name ends in ".txt"). A file whose name ends in "tokenizer.json" is read as a tokenizer.json; another JSON
    /// file is one when its "model" is an object.
    public static func load(file: URL) throws -> Tokenizer {
        try TokenizerFiles.load(file: file)
    }

    /// The token a masked language model fills in, such as "[MASK]" or "<mask>", and its id.
    public var maskToken: String? { roles[.mask]?.token }
    public var maskTokenID: Int? { roles[.mask]?.id }
    /// The token that pads a batch, such as "[PAD]" or "<pad>", and its id.
    public var padToken: String? { roles[.pad]?.token }
    public var padTokenID: Int? { roles[.pad]?.id }
    /// The token that starts a text, such as "[CLS]" or "<s>", and its id.
    public var clsToken: String? { roles[.cls]?.token }
    public var clsTokenID: Int? { roles[.cls]?.id }
    /// The token that ends a text or separates a pair, such as "[SEP]" or "</s>", and its id.
    public var sepToken: String? { roles[.sep]?.token }
    public var sepTokenID: Int? { roles[.sep]?.id }
    /// The token that stands for what the vocabulary cannot spell, such as "[UNK]", and its id.
    public var unknownToken: String? { roles[.unknown]?.token }
    public var unknownTokenID: Int? { roles[.unknown]?.id }

    /// The ids of `text`, as `tokenizer.encode(text).ids` gives them in Hugging Face.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        let parts = encodedParts(text, pair: nil, withTokens: false, addSpecialTokens: addSpecialTokens)
        return parts.count == 1 ? parts[0].ids : parts.flatMap(\.ids)
    }

    /// The ids of `text` and their tokens, as `encoding.ids` and `encoding.tokens` in Hugging Face. An added
    /// token's token is the text it matched, stripped whitespace included.
    public func encodeWithTokens(_ text: String, addSpecialTokens: Bool = true) -> (ids: [Int], tokens: [String]) {
        let encoding = encode(text, pair: nil, addSpecialTokens: addSpecialTokens)
        return (encoding.ids, encoding.tokens)
    }

    /// `text`, and `pair` after it when given, encoded as `tokenizer.encode(text, pair)` in Hugging Face: the ids,
    /// their type ids and their tokens. BERT's template makes "[CLS] text [SEP] pair [SEP]", with type ids 1 from
    /// the pair on. An empty `pair` is a second text, as in `tokenizers` ("[CLS] text [SEP] [SEP]"); transformers
    /// would take `""` for no second text.
    public func encode(_ text: String, pair: String?, addSpecialTokens: Bool = true) -> Encoding {
        let parts = encodedParts(text, pair: pair, withTokens: true, addSpecialTokens: addSpecialTokens)
        var ids: [Int] = []
        var typeIDs: [Int] = []
        var tokens: [String] = []
        for part in parts {
            ids += part.ids
            typeIDs += repeatElement(part.typeID, count: part.ids.count)
            tokens += part.tokens ?? []
        }
        return Encoding(ids: ids, typeIDs: typeIDs, tokens: tokens)
    }

    /// The text of `ids`, as Hugging Face's `decode`. Unknown ids are skipped; bytes that are not valid UTF-8
    /// become U+FFFD.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var tokens = ids.compactMap {
            decodedToken(for: $0, skipSpecialTokens: skipSpecialTokens).map { Array($0.utf8) }
        }
        decoder.decode(&tokens, from: 0)
        let bytes = tokens.flatMap { $0 }
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

    /// The texts encoded, with type ids 0 and 1, then put together by the post-processor.
    private func encodedParts(_ text: String, pair: String?, withTokens: Bool, addSpecialTokens: Bool)
        -> [EncodingPart]
    {
        var parts = [encodeText(text, typeID: 0, withTokens: withTokens)]
        if let pair { parts.append(encodeText(pair, typeID: 1, withTokens: withTokens)) }
        return postProcessor?.process(parts, addSpecialTokens: addSpecialTokens) ?? parts
    }

    private func encodeText(_ text: String, typeID: Int, withTokens: Bool) -> EncodingPart {
        var encoding = EncodingPart(withTokens: withTokens, typeID: typeID)
        var text = text
        text.withUTF8 { utf8 in
            model.withWordEncoder { encoder in
                for piece in addedVocabulary.rawMatcher.split(utf8) {
                    switch piece {
                    case .token(let id, let range):
                        appendAddedToken(id, UnsafeBufferPointer(rebasing: utf8[range]), to: &encoding)
                    case .text(let range):
                        let raw = UnsafeBufferPointer(rebasing: utf8[range])
                        // Only Metaspace's "first" scheme asks whether the text starts the input.
                        let startsInput =
                            range.lowerBound == 0 && preTokenizer?.needsInputStart == true
                            && normalizer?.movesStart(of: raw) != true
                        if let normalizer {
                            normalizer.normalize(raw).withUnsafeBufferPointer {
                                encodeNormalized($0, startsInput: startsInput, encoder: encoder, into: &encoding)
                            }
                        } else {
                            encodeNormalized(raw, startsInput: startsInput, encoder: encoder, into: &encoding)
                        }
                    }
                }
            }
        }
        return encoding
    }

    private func encodeNormalized(
        _ text: UnsafeBufferPointer<UInt8>, startsInput: Bool, encoder: any WordEncoder,
        into encoding: inout EncodingPart
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
                preTokenizer.forEachWord(in: piece, startsInput: startsInput && range.lowerBound == 0) { word, _ in
                    encodeWord(word, encoder: encoder, into: &encoding)
                }
            }
        }
    }

    private func encodeWord(
        _ word: UnsafeBufferPointer<UInt8>, encoder: any WordEncoder, into encoding: inout EncodingPart
    ) {
        guard var tokens = encoding.tokens else { return encoder.encode(word, into: &encoding.ids) }
        encoding.tokens = nil  // so that `tokens` is not copied as it grows
        encoder.encode(word, into: &encoding.ids, tokens: &tokens, vocabulary: model.vocabulary)
        encoding.tokens = tokens
    }

    private func appendAddedToken(_ id: Int, _ matched: UnsafeBufferPointer<UInt8>, to encoding: inout EncodingPart) {
        encoding.ids.append(id)
        encoding.tokens?.append(String(decoding: matched, as: UTF8.self))
    }
}
