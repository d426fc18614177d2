import Foundation

/// Writes a model's config.json: the published Hugging Face config byte for byte, with the `zoo` object added as
/// its last key. The text is edited rather than re-serialised so that every published value keeps its spelling.
enum ConfigFile {
    static func write(original: Data, metadata: ZooMetadata, to url: URL) throws {
        guard var text = String(data: original, encoding: .utf8) else {
            throw ZooError(path: url.lastPathComponent, "config.json is not UTF-8")
        }
        if let object = try? JSONSerialization.jsonObject(with: original) as? [String: Any], object["zoo"] != nil {
            throw ZooError(path: url.lastPathComponent, "config.json already has a \"zoo\" key")
        }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard text.last == "}" else { throw ZooError(path: url.lastPathComponent, "config.json is not a JSON object") }
        text.removeLast()
        while let last = text.last, last.isWhitespace { text.removeLast() }
        let isEmptyObject = text.last == "{"

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let zoo = String(decoding: try encoder.encode(metadata), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: "\n  ")
        text += (isEmptyObject ? "\n" : ",\n") + "  \"zoo\": " + zoo + "\n}\n"
        try Data(text.utf8).write(to: url)
    }

    /// The `zoo` object of a zoo model's config.json.
    static func metadata(of data: Data, path: String) throws -> ZooMetadata {
        struct Wrapper: Decodable { let zoo: ZooMetadata }
        do {
            return try JSONDecoder().decode(Wrapper.self, from: data).zoo
        } catch {
            throw ZooError(path: path, "no valid \"zoo\" object (format_version, architecture, dtype, source, converter_version): not a zoo model, or a damaged one")
        }
    }
}
