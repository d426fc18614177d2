/// Reads a BPE model: tokenizer.json's `model` object, or GPT-2's vocab.json and merges.txt.
enum BPEFromJSON {
    /// With `cached`, the vocabulary and merges come from the cache entry when it holds them (the options are
    /// read from the object all the same), and are kept for it once built.
    static func model(_ object: JSONObject, cached: CachedTables? = nil) throws -> BPEModel {
        let type = try object["type"]?.string()
        guard type == "BPE" || (type == nil && object["merges"] != nil) else {
            throw TokenizerJSON.unsupported(object.value, "model")
        }
        if let dropout = object["dropout"], try dropout.number() != 0 {
            throw dropout.error("BPE dropout is random and not supported")
        }
        var options = BPEModel.Options()
        options.unknownToken = try object.string("unk_token")
        options.fuseUnknown = try object.bool("fuse_unk", default: false)
        options.byteFallback = try object.bool("byte_fallback", default: false)
        options.continuingSubwordPrefix = try object.string("continuing_subword_prefix") ?? ""
        options.endOfWordSuffix = try object.string("end_of_word_suffix") ?? ""
        options.ignoreMerges = try object.bool("ignore_merges", default: false)
        if let tables = cached?.tables {
            return BPEModel(vocabulary: tables.vocabulary, mergeTable: tables.merges, options: options)
        }
        let merges = try object.required("merges").array().map(merge)
        let model = try BPEModel(
            vocabulary: try vocabulary(try object.required("vocab").object()),
            merges: merges, options: options, source: object.file)
        cached?.keep(model)
        return model
    }

    /// A vocabulary object: token to id.
    static func vocabulary(_ object: JSONObject) throws -> Vocabulary {
        try Vocabulary(entries: object.map { token, id in (token, try id.integer()) }, source: object.file)
    }

    /// A merge, written either as `["a", "b"]` or, in older files, as `"a b"`.
    private static func merge(_ json: JSONValue) throws -> (String, String) {
        if let pair = json.stringPair { return pair }
        if json.isArray {
            let pair = try json.array()
            guard pair.count == 2 else { throw json.error("expected a merge of two tokens, found \(pair.count)") }
            return (try pair[0].string(), try pair[1].string())
        }
        let line = try json.string()
        guard let merge = MergesText.merge(line) else {
            throw json.error("expected a merge \"a b\" of two tokens, found \(line.debugDescription)")
        }
        return merge
    }
}
