/// Builds a tokenizer from a parsed tokenizer.json, the file Hugging Face's `tokenizers` saves. A component
/// type that is not implemented is an error naming it, rather than a tokenizer that would give other ids.
enum TokenizerJSON {
    static func tokenizer(from root: JSONObject) throws -> Tokenizer {
        if let version = root["version"], try version.string() != "1.0" {
            throw version.error("unsupported version \(try version.string().debugDescription)")
        }
        if let truncation = root["truncation"] {
            throw truncation.error("truncation is not supported")
        }
        if let padding = root["padding"] {
            try checkPadding(padding.object())
        }
        if let normalizer = root["normalizer"] {
            throw unsupported(normalizer, "normalizer")
        }
        let model = try BPEFromJSON.model(try root.required("model").object())
        let addedTokens = try root["added_tokens"]?.array().map { try addedToken($0.object()) } ?? []
        return Tokenizer(
            addedTokens: addedTokens,
            normalizer: nil,
            preTokenizer: try root["pre_tokenizer"].map { try preTokenizer($0) },
            model: model,
            postProcessor: try root["post_processor"].flatMap { try PostProcessorFromJSON.processor($0) },
            decoder: try root["decoder"].map { try decoder($0) })
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

    /// Padding changes a single encoding only with a fixed length or a multiple to pad to.
    private static func checkPadding(_ padding: JSONObject) throws {
        let strategy = try padding.required("strategy")
        let multiple = try padding["pad_to_multiple_of"]?.integer() ?? 0
        guard (try? strategy.string()) == "BatchLongest", multiple <= 1 else {
            throw strategy.error("padding to a fixed length or a multiple is not supported")
        }
    }

    private static func preTokenizer(_ json: JSONValue) throws -> any PreTokenizer {
        let object = try json.object()
        guard try object["type"]?.string() == "ByteLevel" else { throw unsupported(json, "pre_tokenizer") }
        return ByteLevelPreTokenizer(
            addPrefixSpace: try object.bool("add_prefix_space", default: true),
            useRegex: try object.bool("use_regex", default: true))
    }

    private static func decoder(_ json: JSONValue) throws -> any TokenDecoder {
        guard try json.object()["type"]?.string() == "ByteLevel" else { throw unsupported(json, "decoder") }
        return ByteLevelDecoder()
    }
}
