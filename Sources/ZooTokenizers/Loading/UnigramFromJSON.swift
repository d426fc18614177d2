import CJSONC

/// Reads a unigram model: tokenizer.json's `model` object, `{"type": "Unigram", "unk_id": 2, "vocab": [["<pad>",
/// 0.0], ...], "byte_fallback": false}`.
enum UnigramFromJSON {
    static func model(_ object: JSONObject) throws -> UnigramModel {
        let pieces = try object.required("vocab").array().map { entry in
            let pair = try entry.array()
            guard pair.count == 2 else {
                throw entry.error("expected a piece and its score, found \(pair.count) values")
            }
            return (token: try pair[0].string(), score: try score(pair[1]))
        }
        let unknown = object["unk_id"]
        let unknownID = try unknown?.integer()
        if let unknown, let unknownID, unknownID < 0 || unknownID >= pieces.count {
            throw unknown.error("unk_id \(unknownID) is not the id of a piece (there are \(pieces.count))")
        }
        return try UnigramModel(
            pieces: pieces, unknownID: unknownID, byteFallback: try object.bool("byte_fallback", default: false),
            source: object.file)
    }

    /// A score as Hugging Face reads it (see `SerdeFloat`): json-c keeps the text of a number with a fraction.
    private static func score(_ json: JSONValue) throws -> Double {
        let value = try json.number()
        guard json_object_get_type(json.handle) == json_type_double else { return value }
        let text = String(cString: json_object_to_json_string_ext(json.handle, JSON_C_TO_STRING_PLAIN))
        guard let parsed = SerdeFloat.parse(text) else { throw json.error("the score \(text) is out of range") }
        return parsed
    }
}
