import Foundation
import ZooFormats
import ZooModels
import ZooTensor

/// Writes a zoo model back out as a Hugging Face folder: config.json without the `zoo` object, model.safetensors
/// under the Hugging Face names of the architecture's model class (its `exportName` rules, the inverse of import)
/// in the stored element types, and the tokenizer and other files as stored. Float tensors come out bit for bit
/// as they were imported; quantized blocks have no safetensors type and are refused unless dequantized to float32.
public struct HuggingFaceExport {
    public struct Options: Sendable {
        /// Write into a folder that is not empty, replacing files of the same names.
        public var force: Bool
        /// Write quantized tensors as float32 rather than refusing the model.
        public var dequantize: Bool

        public init(force: Bool = false, dequantize: Bool = false) {
            self.force = force
            self.dequantize = dequantize
        }
    }

    public let model: StoredModel

    public init(model: StoredModel) { self.model = model }

    /// The files written, by name.
    @discardableResult
    public func write(to folder: URL, options: Options = .init()) throws -> [String] {
        let config = try model.config()
        let architecture = try Architectures.instantiate(config)
        let weights = try model.loadWeightsChecked(architecture: architecture)
        let tensors = try exportedTensors(weights, architecture: architecture, dequantize: options.dequantize)
        let configText = try Self.configWithoutZooObject(config.data, path: config.path)
        try prepare(folder, force: options.force)

        var written: [String] = []
        let stored = try FileManager.default.contentsOfDirectory(atPath: model.folder.path).sorted()
        for name in stored where ![StoredModel.configFile, StoredModel.weightsFile, StoredModel.manifestFile].contains(name) {
            try replace(folder.appendingPathComponent(name)) { try FileManager.default.copyItem(at: model.file(name), to: $0) }
            written.append(name)
        }
        try replace(folder.appendingPathComponent("config.json")) { try configText.write(to: $0) }
        try replace(folder.appendingPathComponent("model.safetensors")) { try SafetensorsWriter.write(tensors, to: $0) }
        return (written + ["config.json", "model.safetensors"]).sorted()
    }

    /// Every stored tensor under its Hugging Face name, in its stored type and the Hugging Face layout.
    private func exportedTensors(_ weights: ZooWeights, architecture: any Architecture,
                                 dequantize: Bool) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for canonical in weights.names {
            guard let target = architecture.exportName(forCanonicalName: canonical) else {
                throw ZooError(path: weights.url.path, "tensor \"\(canonical)\" has no Hugging Face name in the "
                    + "\(model.name) architecture's export rules")
            }
            var tensor = try weights.tensor(canonical)
            if tensor.dtype.isQuantized {
                guard dequantize else {
                    throw ZooError(path: weights.url.path, "tensor \"\(canonical)\" is stored in \(tensor.dtype.rawValue) "
                        + "blocks, which safetensors cannot hold: pass --dequantize to write it as float32")
                }
                tensor = tensor.float32()
            }
            if target.transform == .transpose { tensor = transposed(tensor.float32()).converted(to: tensor.dtype) }
            tensors[target.huggingFaceName] = tensor
        }
        return tensors
    }

    /// The config.json as the converter found it: the text before the `zoo` object it appended (see
    /// `ConfigFile.write`), or, for a config edited since, the JSON re-serialised without that key.
    static func configWithoutZooObject(_ data: Data, path: String) throws -> Data {
        if let text = String(data: data, encoding: .utf8), let range = text.range(of: ",\n  \"zoo\": ", options: .backwards)
            ?? text.range(of: "\n  \"zoo\": ", options: .backwards) {
            let head = String(text[..<range.lowerBound])
            let candidate = Data((head + "\n}\n").utf8)
            if let object = try? JSONSerialization.jsonObject(with: candidate) as? [String: Any], object["zoo"] == nil {
                return candidate
            }
        }
        guard var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ZooError(path: path, "not a JSON object")
        }
        object["zoo"] = nil
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys,
                                                                             .withoutEscapingSlashes]) + Data("\n".utf8)
    }

    /// Creates `folder`, or checks that it is empty unless `force`.
    private func prepare(_ folder: URL, force: Bool) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw ZooError(path: folder.path, "exists and is not a folder") }
            let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            guard present.isEmpty || force else {
                throw ZooError(path: folder.path, "is not empty (\(present.count) entries): choose an empty folder, "
                    + "or pass --force to write into it")
            }
        } else {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw ZooError(path: folder.path, "cannot create the folder: \(error.localizedDescription)")
            }
        }
    }

    /// Writes a file through a hidden temporary name beside it, so that it is whole or absent.
    private func replace(_ url: URL, _ write: (URL) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try? FileManager.default.removeItem(at: temporary)
        do {
            try write(temporary)
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ZooError(path: url.path, "cannot write: \(error)")
        }
    }
}
