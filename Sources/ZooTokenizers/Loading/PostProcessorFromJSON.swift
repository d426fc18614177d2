/// Reads tokenizer.json's `post_processor`. Only what changes ids is kept: ByteLevel's post-processor only
/// trims offsets, so it reads as none.
enum PostProcessorFromJSON {
    static func processor(_ json: JSONValue) throws -> (any PostProcessor)? {
        let object = try json.object()
        switch try object["type"]?.string() {
        case "ByteLevel":
            return nil
        case "TemplateProcessing":
            return try template(object)
        case "BertProcessing", "RobertaProcessing":
            let cls = try specialToken(object.required("cls"))
            let sep = try specialToken(object.required("sep"))
            return TemplateProcessing(single: [cls, .sequence, sep])
        case "Sequence":
            let processors = try object.required("processors").array().compactMap(processor)
            if processors.count <= 1 { return processors.first }
            return PostProcessorSequence(processors: processors)
        default:
            throw TokenizerJSON.unsupported(json, "post_processor")
        }
    }

    /// `{"single": [{"SpecialToken": {"id": "<s>"}}, {"Sequence": {"id": "A"}}], "special_tokens": {...}}`
    private static func template(_ object: JSONObject) throws -> TemplateProcessing {
        let specialTokens = try object["special_tokens"]?.object()
        let pieces = try object.required("single").array().map { json -> TemplateProcessing.Piece in
            let piece = try json.object()
            if let sequence = try piece["Sequence"]?.object() {
                let id = try sequence.required("id")
                guard try id.string() == "A" else {
                    throw id.error("a single-sequence template can only hold sequence A")
                }
                return .sequence
            }
            guard let special = try piece["SpecialToken"]?.object() else {
                throw json.error("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}")
            }
            let name = try special.required("id").string()
            guard let token = try specialTokens?[name]?.object() else {
                throw json.error("special token \(name.debugDescription) is missing from special_tokens")
            }
            let ids = try token.required("ids").array().map { try $0.integer() }
            let tokens = try token.required("tokens").array().map { try $0.string() }
            guard ids.count == tokens.count else {
                throw json.error(
                    "special token \(name.debugDescription) has \(ids.count) ids but \(tokens.count) tokens")
            }
            return .special(ids: ids, tokens: tokens)
        }
        return TemplateProcessing(single: pieces)
    }

    /// BERT's and RoBERTa's `["[CLS]", 101]`.
    private static func specialToken(_ json: JSONValue) throws -> TemplateProcessing.Piece {
        let pair = try json.array()
        guard pair.count == 2 else { throw json.error("expected [token, id]") }
        return .special(ids: [try pair[1].integer()], tokens: [try pair[0].string()])
    }
}
