/// Reads a WordPiece model: tokenizer.json's `model` object.
enum WordPieceFromJSON {
    static func model(_ object: JSONObject) throws -> WordPieceModel {
        let maximum = object["max_input_chars_per_word"]
        let maximumCharacters = try maximum?.integer() ?? 100
        if let maximum, maximumCharacters < 0 { throw maximum.error("expected a count, found \(maximumCharacters)") }
        return try WordPieceModel(
            vocabulary: try BPEFromJSON.vocabulary(try object.required("vocab").object()),
            unknownToken: try object.required("unk_token").string(),
            continuingSubwordPrefix: try object.string("continuing_subword_prefix") ?? "##",
            maximumCharactersPerWord: maximumCharacters,
            source: object.file)
    }
}
