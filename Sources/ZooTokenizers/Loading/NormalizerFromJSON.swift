import Foundation

/// Reads tokenizer.json's `normalizer`: BERT's, the Unicode normalization forms, Lowercase, StripAccents, Strip,
/// Replace, Prepend, SentencePiece's Precompiled, and a Sequence of them.
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
            let (pattern, content) = try replacement(object)
            return ReplaceNormalizer(pattern: pattern, content: content)
        case "Prepend":
            return PrependNormalizer(prefix: Array(try object.required("prepend").string().utf8))
        case "Precompiled":
            return PrecompiledNormalizer(charsmap: try charsmap(object.required("precompiled_charsmap")))
        case "Sequence":
            return NormalizerSequence(normalizers: try object.required("normalizers").array().map(normalizer))
        default:
            throw TokenizerJSON.unsupported(json, "normalizer")
        }
    }

    /// The pattern and content of a `Replace` normalizer or decoder: `{"type": "Replace", "pattern": {"String":
    /// " "}, "content": "▁"}`, or a `{"Regex": ...}` pattern that `ReplacePattern` reads.
    static func replacement(_ object: JSONObject) throws -> (ReplacePattern, [UInt8]) {
        let json = try object.required("pattern")
        let pattern = try json.object()
        let content = Array(try object.required("content").string().utf8)
        if let string = pattern["String"] {
            let bytes = Array(try string.string().utf8)
            guard !bytes.isEmpty else { throw string.error("an empty pattern is not supported") }
            return (.string(bytes), content)
        }
        if let regex = pattern["Regex"] {
            let text = try regex.string()
            guard let parsed = ReplacePattern(regex: text) else {
                throw regex.error(
                    "the regular expression \(text.debugDescription) is not supported (only one character or \\s, "
                        + "repeated, as in \" {2,}\")")
            }
            return (parsed, content)
        }
        throw json.error("expected a {\"String\": ...} or {\"Regex\": ...} pattern")
    }

    /// SentencePiece's compiled rules, base64-encoded.
    private static func charsmap(_ json: JSONValue) throws -> PrecompiledCharsmap {
        guard let data = Data(base64Encoded: try json.string()) else { throw json.error("not valid base64") }
        do {
            return try PrecompiledCharsmap(data)
        } catch {
            throw json.error("not a SentencePiece charsmap: \(error.description)")
        }
    }
}
