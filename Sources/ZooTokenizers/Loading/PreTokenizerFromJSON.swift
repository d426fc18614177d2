/// Reads tokenizer.json's `pre_tokenizer`: `ByteLevel`, `Digits`, BERT's, `Whitespace`, `WhitespaceSplit`,
/// `Punctuation`, and a `Sequence` of them.
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
        case "Sequence":
            return PreTokenizerSequence(stages: try object.required("pretokenizers").array().map(preTokenizer))
        default:
            throw TokenizerJSON.unsupported(json, "pre_tokenizer")
        }
    }
}
