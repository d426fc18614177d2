/// Reads tokenizer.json's `pre_tokenizer`: `ByteLevel`, `Digits`, BERT's, `Whitespace`, `WhitespaceSplit`,
/// `Punctuation`, SentencePiece's `Metaspace`, and a `Sequence` of them.
enum PreTokenizerFromJSON {
    static func preTokenizer(_ json: JSONValue) throws -> any PreTokenizer {
        let object = try json.object()
        switch try object["type"]?.string() {
        case "ByteLevel":
            return ByteLevelPreTokenizer(
                addPrefixSpace: try object.bool("add_prefix_space", default: true),
                useRegex: try object.bool("use_regex", default: true))
        case "Digits":
            return DigitsPreTokenizer(individualDigits: try object.bool("individual_digits", default: false))
        case "BertPreTokenizer":
            return BertPreTokenizer()
        case "Whitespace":
            return WhitespacePreTokenizer()
        case "WhitespaceSplit":
            return WhitespaceSplitPreTokenizer()
        case "Punctuation":
            let behavior = object["behavior"]
            let name = try behavior?.string() ?? "Isolated"
            guard let delimiters = DelimiterBehavior(rawValue: name) else {
                throw (behavior ?? json).error("unknown behavior \(name.debugDescription)")
            }
            return PunctuationPreTokenizer(behavior: delimiters)
        case "Metaspace":
            return try metaspace(object)
        case "Sequence":
            return PreTokenizerSequence(stages: try object.required("pretokenizers").array().map(preTokenizer))
        default:
            throw TokenizerJSON.unsupported(json, "pre_tokenizer")
        }
    }

    /// `{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}`, or as older files
    /// write it, `"add_prefix_space": true` without a scheme. The decoder of that type reads the same.
    static func metaspace(_ object: JSONObject) throws -> MetaspacePreTokenizer {
        let replacementJSON = try object.required("replacement")
        let replacement = try replacementJSON.string()
        guard replacement.unicodeScalars.count == 1 else { throw replacementJSON.error("expected one character") }
        var scheme = PrependScheme.always
        if let json = object["prepend_scheme"] {
            let name = try json.string()
            guard let named = PrependScheme(rawValue: name) else {
                throw json.error("unknown prepend_scheme \(name.debugDescription)")
            }
            scheme = named
        }
        // As Hugging Face: add_prefix_space false must come with the scheme "never", which it then is.
        if let addPrefixSpace = object["add_prefix_space"], try !addPrefixSpace.bool() {
            guard scheme == .never else {
                throw addPrefixSpace.error(
                    "add_prefix_space false does not match prepend_scheme \"\(scheme.rawValue)\"")
            }
        }
        return MetaspacePreTokenizer(
            replacement: Array(replacement.utf8), prependScheme: scheme, split: try object.bool("split", default: true))
    }
}
