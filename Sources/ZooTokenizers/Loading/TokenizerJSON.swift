import Foundation

/// Builds a tokenizer from a parsed tokenizer.json, the file Hugging Face's `tokenizers` saves. A component
/// type that is not implemented is an error naming it, rather than a tokenizer that would give other ids.
enum TokenizerJSON {
    /// `cached`: the cache entry for this file's BPE tables, if any.
    static func tokenizer(from root: JSONObject, cached: CachedTables? = nil) throws -> Tokenizer {
        if let version = root["version"], try version.string() != "1.0" {
            throw version.error("unsupported version \(try version.string().debugDescription)")
        }
        // "truncation" and "padding" are left out, as transformers leaves them out of a call that does not ask
        // for them (MiniLM's file pads every text to 128 tokens): a text is encoded whole and alone.
        let model = try self.model(try root.required("model").object(), cached: cached)
        let addedTokens = try root["added_tokens"]?.array().map { try addedToken($0.object()) } ?? []
        let directory = URL(fileURLWithPath: root.file).deletingLastPathComponent()
        let roles = try SpecialTokensConfig.roleNames(in: directory)
        return Tokenizer(
            addedTokens: addedTokens,
            normalizer: try root["normalizer"].map { try NormalizerFromJSON.normalizer($0) },
            preTokenizer: try root["pre_tokenizer"].map { try PreTokenizerFromJSON.preTokenizer($0) },
            model: model,
            postProcessor: try root["post_processor"].flatMap { try PostProcessorFromJSON.processor($0) },
            decoder: try root["decoder"].map { try DecoderFromJSON.decoder($0) },
            roleNames: roles.names, reservedTokens: roles.reserved)
    }

    /// An error for a component whose type is not implemented.
    static func unsupported(_ component: JSONValue, _ stage: String) -> TokenizerError {
        let type = (try? component.object()["type"]?.string()) ?? nil
        return component.error("\(stage) type \(type.map { "\"\($0)\"" } ?? "(none given)") is not supported")
    }

    /// An added token's object; `special` is the default for a missing "special".
    static func addedToken(_ object: JSONObject, special defaultSpecial: Bool = false) throws -> AddedToken {
        let special = try object.bool("special", default: defaultSpecial)
        return AddedToken(
            content: try object.required("content").string(),
            singleWord: try object.bool("single_word", default: false),
            leftStrip: try object.bool("lstrip", default: false),
            rightStrip: try object.bool("rstrip", default: false),
            normalized: try object.bool("normalized", default: !special),
            special: special)
    }

    /// BPE (the type an older file may leave out), WordPiece or Unigram; WordLevel and other types are an error
    /// naming the type.
    private static func model(_ object: JSONObject, cached: CachedTables?) throws -> any TokenizationModel {
        switch try object["type"]?.string() {
        case "WordPiece": return try WordPieceFromJSON.model(object)
        case "Unigram": return try UnigramFromJSON.model(object)
        default: return try BPEFromJSON.model(object, cached: cached)
        }
    }
}
