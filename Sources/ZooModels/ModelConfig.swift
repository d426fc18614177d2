import Foundation

/// A model's config.json: its bytes, where they came from, and typed decoding with errors that name the file and
/// the key.
public struct ModelConfig: Sendable {
    public let data: Data
    public let path: String
    /// The Hugging Face `model_type`.
    public let modelType: String

    /// Config files larger than this are refused unread (published ones are a few kilobytes).
    public static let maximumFileSize = 16 << 20
    /// The largest vocabulary, width, head count, head size or position table a config may declare, and the most
    /// layers: far beyond any published model, and small enough that no shape built from them overflows and no
    /// table built from them reaches gigabytes before a single weight is read.
    public static let maximumSize = 1 << 24
    public static let maximumLayers = 1024

    public init(contentsOf url: URL) throws(ModelError) {
        let data: Data
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= Self.maximumFileSize else {
            throw ModelError(path: url.path, message: "\(size) bytes is beyond the limit of \(Self.maximumFileSize) bytes for a config file")
        }
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

    /// Refuses sizes beyond `maximumSize` and a layer count beyond `maximumLayers`, naming the key and the limit.
    public func checkLimits(sizes: KeyValuePairs<String, Int?>, layers: (key: String, value: Int)) throws(ModelError) {
        for (key, value) in sizes {
            if let value, value > Self.maximumSize {
                throw ModelError(path: path, message: "\(key) \(value) is beyond the limit of \(Self.maximumSize)")
            }
        }
        guard layers.value <= Self.maximumLayers else {
            throw ModelError(path: path, message: "\(layers.key) \(layers.value) is beyond the limit of \(Self.maximumLayers) layers")
        }
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
