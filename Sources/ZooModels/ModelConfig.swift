import Foundation

/// A model's config.json: its bytes, where they came from, and typed decoding with errors that name the file and
/// the key.
public struct ModelConfig: Sendable {
    public let data: Data
    public let path: String
    /// The Hugging Face `model_type`.
    public let modelType: String

    public init(contentsOf url: URL) throws(ModelError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError(path: url.path, message: "cannot read the config: \(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    public init(data: Data, path: String) throws(ModelError) {
        self.data = data
        self.path = path
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ModelError(path: path, message: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ModelError(path: path, message: "not a JSON object")
        }
        guard let type = dictionary["model_type"] as? String else {
            throw ModelError(path: path, message: "no \"model_type\" key naming the architecture")
        }
        self.modelType = type
    }

    /// Decodes the plugin's config struct, turning a DecodingError into one line that names the key.
    public func decode<T: Decodable>(_ type: T.Type) throws(ModelError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ModelError(path: path, message: Self.explain(error))
        } catch {
            throw ModelError(path: path, message: "\(error)")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func keyPath(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key \"\(keyPath(context.codingPath + [key]))\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "key \"\(keyPath(context.codingPath))\" has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "key \"\(keyPath(context.codingPath))\": \(context.debugDescription)"
        @unknown default:
            return "cannot decode: \(error)"
        }
    }
}

/// A problem with a model's files or configuration, naming the file.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
