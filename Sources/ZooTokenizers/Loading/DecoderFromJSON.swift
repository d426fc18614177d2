/// Reads tokenizer.json's `decoder`: ByteLevel, WordPiece, Metaspace, Replace, ByteFallback, Fuse, Strip, and a
/// Sequence of them.
enum DecoderFromJSON {
    static func decoder(_ json: JSONValue) throws -> any TokenDecoder {
        let object = try json.object()
        switch try object["type"]?.string() {
        case "ByteLevel":
            return ByteLevelDecoder()
        case "WordPiece":
            return WordPieceDecoder(
                prefix: try object.string("prefix") ?? "##", cleanup: try object.bool("cleanup", default: true))
        case "Metaspace":
            let metaspace = try PreTokenizerFromJSON.metaspace(object)
            return MetaspaceDecoder(replacement: metaspace.replacement, prependScheme: metaspace.prependScheme)
        case "Replace":
            let (pattern, content) = try NormalizerFromJSON.replacement(object)
            return ReplaceDecoder(pattern: pattern, content: content)
        case "ByteFallback":
            return ByteFallbackDecoder()
        case "Fuse":
            return FuseDecoder()
        case "Strip":
            let content = try object.required("content")
            let scalars = try content.string().unicodeScalars
            guard scalars.count == 1, let scalar = scalars.first else {
                throw content.error("expected one character")
            }
            return StripDecoder(content: scalar, start: try count(object, "start"), stop: try count(object, "stop"))
        case "Sequence":
            return DecoderSequence(decoders: try object.required("decoders").array().map(decoder))
        default:
            throw TokenizerJSON.unsupported(json, "decoder")
        }
    }

    private static func count(_ object: JSONObject, _ key: String) throws -> Int {
        let json = try object.required(key)
        let value = try json.integer()
        guard value >= 0 else { throw json.error("expected a count, found \(value)") }
        return value
    }
}
