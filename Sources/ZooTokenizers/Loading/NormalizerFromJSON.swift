/// Reads tokenizer.json's `normalizer`: BERT's, the Unicode normalization forms, Lowercase, StripAccents, Strip,
/// Replace with a string pattern, and a Sequence of them.
enum NormalizerFromJSON {
    static func normalizer(_ json: JSONValue) throws -> any Normalizer {
        let object = try json.object()
        switch try object["type"]?.string() {
        case "BertNormalizer":
            return BertNormalizer(
                cleanText: try object.bool("clean_text", default: true),
                handleChineseCharacters: try object.bool("handle_chinese_chars", default: true),
                stripAccents: try object["strip_accents"]?.bool(),
                lowercase: try object.bool("lowercase", default: true))
        case "NFD": return UnicodeNormalizer(form: .nfd)
        case "NFC": return UnicodeNormalizer(form: .nfc)
        case "NFKD": return UnicodeNormalizer(form: .nfkd)
        case "NFKC": return UnicodeNormalizer(form: .nfkc)
        case "Lowercase": return LowercaseNormalizer()
        case "StripAccents": return StripAccentsNormalizer()
        case "Strip":
            return StripNormalizer(
                left: try object.bool("strip_left", default: true),
                right: try object.bool("strip_right", default: true))
        case "Replace":
            return try replace(object)
        case "Sequence":
            return NormalizerSequence(normalizers: try object.required("normalizers").array().map(normalizer))
        default:
            throw TokenizerJSON.unsupported(json, "normalizer")
        }
    }

    /// `{"type": "Replace", "pattern": {"String": " "}, "content": "▁"}`; a regular expression pattern is not
    /// supported.
    private static func replace(_ object: JSONObject) throws -> ReplaceNormalizer {
        let pattern = try object.required("pattern")
        guard let string = try pattern.object()["String"] else {
            throw pattern.error("only a {\"String\": ...} pattern is supported")
        }
        let bytes = Array(try string.string().utf8)
        guard !bytes.isEmpty else { throw string.error("an empty pattern is not supported") }
        return ReplaceNormalizer(pattern: bytes, content: Array(try object.required("content").string().utf8))
    }
}
