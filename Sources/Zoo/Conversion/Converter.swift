import Foundation
import ZooFormats
import ZooModels
import ZooTensor
import ZooTokenizers

/// Turns a Hugging Face model folder into a zoo model.
///
/// Everything is checked before anything is written: the architecture, every source tensor (mapped, skipped for
/// a stated reason, or an error), every tensor the architecture needs, every shape, the tokenizer. The model is
/// then written into a hidden folder inside the zoo and renamed into place only when complete, so the zoo never
/// holds half a model.
public struct Converter {
    public struct Options: Sendable {
        public var name: String
        /// The stored element type; nil keeps the source's (float32 when the source mixes types).
        public var dtype: DType?
        /// Replace an existing model of the same name.
        public var force: Bool
        /// A note stored in the metadata and shown by `zoo info`.
        public var description: String?

        public init(name: String, dtype: DType? = nil, force: Bool = false, description: String? = nil) {
            self.name = name
            self.dtype = dtype
            self.force = force
            self.description = description
        }
    }

    public let zoo: ModelZoo

    public init(zoo: ModelZoo) { self.zoo = zoo }

    /// Converts `source` (a Hugging Face folder). `progress` receives bytes written and bytes in all; an error it
    /// throws cancels the conversion, leaving the zoo as it was.
    @discardableResult
    public func convert(_ source: URL, options: Options,
                        progress: (_ done: Int, _ total: Int) throws -> Void = { _, _ in }) throws -> StoredModel {
        try ModelZoo.checkName(options.name)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder) else {
            throw ZooError(path: source.path, "no such file or folder")
        }
        guard isFolder.boolValue else {
            throw ZooError(path: source.path, "not a folder: give a Hugging Face model folder (config.json, model.safetensors, tokenizer files)")
        }
        let destination = zoo.writableFolder.appendingPathComponent(options.name)
        if FileManager.default.fileExists(atPath: destination.path) && !options.force {
            throw ZooError(path: destination.path, "a model named \"\(options.name)\" exists already (use --force to replace it)")
        }

        let configURL = source.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw ZooError(path: configURL.path, "missing: a Hugging Face model folder has a config.json")
        }
        let config = try ModelConfig(contentsOf: configURL)
        let architecture = try Architectures.instantiate(config)
        let checkpoint = try CheckpointSources.open(folder: source)
        let plan = try ImportPlan(checkpoint: checkpoint, architecture: architecture)
        let tokenizerFiles = try TokenizerFiles.find(in: source)
        _ = try Tokenizer.load(directory: source)
        let dtype = options.dtype ?? plan.commonSourceDType ?? .float32

        let metadata = ZooMetadata(
            format_version: ZooMetadata.formatVersion, architecture: config.modelType, dtype: dtype.rawValue,
            source: .init(format: type(of: checkpoint).format, files: [try sourceFile(checkpoint.url)]),
            converter_version: ZooMetadata.converterVersion, description: options.description)

        try FileManager.default.createDirectory(at: zoo.writableFolder, withIntermediateDirectories: true)
        let staging = try StagingFolder(zoo: zoo.writableFolder, name: options.name)
        do {
            try plan.write(to: staging.url.appendingPathComponent(StoredModel.weightsFile), dtype: dtype, progress: progress)
            try ConfigFile.write(original: config.data, metadata: metadata,
                                 to: staging.url.appendingPathComponent(StoredModel.configFile))
            for file in tokenizerFiles + TokenizerFiles.companions(in: source) {
                try FileManager.default.copyItem(at: file, to: staging.url.appendingPathComponent(file.lastPathComponent))
            }
            try Manifest(building: staging.url).write(to: staging.url.appendingPathComponent(StoredModel.manifestFile))
            // Read back what was written: a model that does not load never enters the zoo.
            let written = StoredModel(name: options.name, folder: staging.url)
            _ = try written.loadWeightsChecked(architecture: architecture)
            try staging.commit(to: destination, replacing: options.force)
        } catch {
            staging.discard()
            throw error
        }
        return StoredModel(name: options.name, folder: destination)
    }

    private func sourceFile(_ url: URL) throws -> ZooMetadata.Source.File {
        let entry = try hashFile(url)
        return .init(path: url.lastPathComponent, size: entry.size, sha256: entry.sha256)
    }
}
