/// Reads tokenizer.json's `post_processor`. Only what changes ids or type ids is kept: ByteLevel's post-processor
/// only trims offsets, so it reads as none.
enum PostProcessorFromJSON {
    static func processor(_ json: JSONValue) throws -> (any PostProcessor)? {
        let object = try json.object()
        switch try object["type"]?.string() {
        case "ByteLevel":
            return nil
        case "TemplateProcessing":
            return try template(object)
        case "BertProcessing":
            return BertProcessing(
                cls: try specialToken(object.required("cls")), sep: try specialToken(object.required("sep")))
        case "RobertaProcessing":
            return RobertaProcessing(
                cls: try specialToken(object.required("cls")), sep: try specialToken(object.required("sep")))
        case "Sequence":
            let processors = try object.required("processors").array().compactMap(processor)
            if processors.count <= 1 { return processors.first }
            return PostProcessorSequence(processors: processors)
        default:
            throw TokenizerJSON.unsupported(json, "post_processor")
        }
    }

    /// `{"single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, ...],
    /// "pair": [...], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]}, ...}}`
    private static func template(_ object: JSONObject) throws -> TemplateProcessing {
        let specialTokens = try object["special_tokens"]?.object()
        func pieces(_ key: String) throws -> [TemplateProcessing.Piece] {
            try object.required(key).array().map { json in try piece(json, specialTokens, isPair: key == "pair") }
        }
        return TemplateProcessing(single: try pieces("single"), pair: try pieces("pair"))
    }

    private static func piece(_ json: JSONValue, _ specialTokens: JSONObject?, isPair: Bool) throws
        -> TemplateProcessing.Piece
    {
        let piece = try json.object()
        if let sequence = try piece["Sequence"]?.object() {
            let typeID = try sequence["type_id"]?.integer() ?? 0
            let id = try sequence.required("id")
            switch try id.string() {
            case "A": return .sequence(index: 0, typeID: typeID)
            case "B" where isPair: return .sequence(index: 1, typeID: typeID)
            default:
                throw id.error(
                    isPair ? "expected sequence A or B" : "a single-sequence template can only hold sequence A")
            }
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
            throw json.error("special token \(name.debugDescription) has \(ids.count) ids but \(tokens.count) tokens")
        }
        return .special(ids: ids, tokens: tokens, typeID: try special["type_id"]?.integer() ?? 0)
    }

    /// BERT's and RoBERTa's `["[CLS]", 101]`.
    private static func specialToken(_ json: JSONValue) throws -> (id: Int, token: String) {
        let pair = try json.array()
        guard pair.count == 2 else { throw json.error("expected [token, id]") }
        return (try pair[1].integer(), try pair[0].string())
    }
}
