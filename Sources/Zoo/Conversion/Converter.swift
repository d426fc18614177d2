import Foundation
import ZooFormats
import ZooModels
import ZooTensor
import ZooTokenizers

/// Turns a Hugging Face model folder, a GGUF file or a file of word vectors into a zoo model.
///
/// Everything is checked before anything is written: the architecture, every source tensor (mapped, skipped for
/// a stated reason, or an error), every tensor the architecture needs, every shape, the tokenizer. The model is
/// then written into a hidden folder inside the zoo, flushed to disk and renamed into place only when complete,
/// under a lock on the model's name, so the zoo never holds half a model and two conversions never interleave.
public struct Converter {
    public struct Options: Sendable {
        public var name: String
        /// The stored element type of every tensor; nil keeps the source's: quantized tensors keep their blocks, and
        /// the others take the float type they share (float32 when they mix types).
        public var dtype: DType?
        /// Replace an existing model of the same name.
        public var force: Bool
        /// A note stored in the metadata and shown by `zoo info`.
        public var description: String?
        /// The weights' licence, stored in the metadata and shown by `zoo info`.
        public var license: String?

        public init(name: String, dtype: DType? = nil, force: Bool = false, description: String? = nil,
                    license: String? = nil) {
            self.license = license
            self.name = name
            self.dtype = dtype
            self.force = force
            self.description = description
        }
    }

    public let zoo: ModelZoo

    public init(zoo: ModelZoo) { self.zoo = zoo }

    /// Converts `source`: a Hugging Face folder, a GGUF file or word vectors. `progress` receives bytes written and
    /// bytes in all; an error it throws cancels the conversion, leaving the zoo as it was. `note` receives what the
    /// user should know about the import (repeated words dropped, ...).
    @discardableResult
    public func convert(_ source: URL, options: Options,
                        progress: (_ done: Int, _ total: Int) throws -> Void = { _, _ in },
                        note: (String) -> Void = { _ in }) throws -> StoredModel {
        try ModelZoo.checkName(options.name)
        try FileManager.default.createDirectory(at: zoo.writableFolder, withIntermediateDirectories: true)
        let lock = try ModelLock(zoo: zoo.writableFolder, name: options.name, purpose: "converting")
        defer { lock.release() }
        let destination = zoo.writableFolder.appendingPathComponent(options.name)
        if FileManager.default.fileExists(atPath: destination.path) && !options.force {
            throw ZooError(path: destination.path, "a model named \"\(options.name)\" exists already (use --force to replace it)")
        }

        let model = try ModelSource.open(source)
        let architecture = try Architectures.instantiate(model.config)
        let plan = try ImportPlan(checkpoint: model.checkpoint, architecture: architecture)
        let storage = plan.storedTypes(converting: options.dtype)

        let metadata = ZooMetadata(
            format_version: ZooMetadata.formatVersion, architecture: model.config.modelType,
            dtype: storage.predominant.rawValue,
            source: .init(format: model.checkpoint.sourceFormat, files: [try sourceFile(model.checkpoint.url)]),
            converter_version: ZooMetadata.converterVersion, description: options.description,
            license: options.license)

        let staging = try StagingFolder(zoo: zoo.writableFolder, name: options.name)
        do {
            for file in model.files { try file.write(into: staging.url) }
            if model.makesTokenizer {
                do { _ = try Tokenizer.load(directory: staging.url) } catch {
                    throw ZooError(path: source.path, "the tokenizer made from this file does not load: \(error)")
                }
            }
            try plan.write(to: staging.url.appendingPathComponent(StoredModel.weightsFile), types: storage.types,
                           progress: progress)
            try ConfigFile.write(original: model.config.data, metadata: metadata,
                                 to: staging.url.appendingPathComponent(StoredModel.configFile))
            try Manifest(building: staging.url).write(to: staging.url.appendingPathComponent(StoredModel.manifestFile))
            // Read back what was written: a model that does not load never enters the zoo.
            let written = StoredModel(name: options.name, folder: staging.url)
            _ = try written.loadWeightsChecked(architecture: architecture)
            try staging.commit(to: destination, replacing: options.force)
        } catch {
            staging.discard()
            throw error
        }
        model.notes.forEach(note)
        return StoredModel(name: options.name, folder: destination)
    }

    private func sourceFile(_ url: URL) throws -> ZooMetadata.Source.File {
        let entry = try hashFile(url)
        return .init(path: url.lastPathComponent, size: entry.size, sha256: entry.sha256)
    }
}
