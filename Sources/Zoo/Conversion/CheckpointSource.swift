import Foundation
import ZooTensor

/// The tensors of a checkpoint in another format, read for conversion under their Hugging Face names and in
/// Hugging Face's layouts. Each import format (safetensors, PyTorch, their sharded forms, GGUF) is one type
/// conforming to this protocol.
protocol CheckpointSource: Sendable {
    /// The format's name, recorded in the converted model's metadata.
    static var format: String { get }
    /// The format this checkpoint was read in, recorded in the metadata: `format`, unless the type reads several.
    var sourceFormat: String { get }
    var url: URL { get }
    var names: [String] { get }
    func shape(of name: String) -> [Int]?
    func dtype(of name: String) -> DType?
    func tensor(_ name: String) throws -> Tensor
}

extension CheckpointSource {
    var sourceFormat: String { Self.format }
}

/// A format whose weights file lives in a Hugging Face folder beside config.json and the tokenizer files; listed
/// in `CheckpointSources.all`.
protocol FolderCheckpointSource: CheckpointSource {
    /// The weights file inside a Hugging Face folder, if this format has one there.
    static func weightsFile(in folder: URL) -> URL?

    init(contentsOf url: URL) throws
}

enum CheckpointSources {
    /// In order of preference when a folder holds several: safetensors before PyTorch, as Hugging Face loads them.
    static let all: [any FolderCheckpointSource.Type] = [
        SafetensorsSource.self, ShardedSource<SafetensorsSource>.self,
        PyTorchSource.self, ShardedSource<PyTorchSource>.self,
    ]

    /// Opens the weights of a Hugging Face folder with the first format that finds its file there.
    static func open(folder: URL) throws -> any CheckpointSource {
        for format in all {
            if let file = format.weightsFile(in: folder) { return try format.init(contentsOf: file) }
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let unsupported = [
            ("tf_model.h5", "TensorFlow checkpoints are not read: save the model with safetensors (save_pretrained in PyTorch)"),
            ("flax_model.msgpack", "Flax checkpoints are not read: save the model with safetensors (save_pretrained in PyTorch)"),
            (".gguf", "a GGUF file is converted on its own: give its path rather than the folder's"),
            (".ckpt", "a training checkpoint is not a Hugging Face weights file: save the model with safetensors"),
        ]
        for (suffix, problem) in unsupported {
            if let file = present.sorted().first(where: { $0.hasSuffix(suffix) }) {
                throw ZooError(path: folder.appendingPathComponent(file).path, problem)
            }
        }
        throw ZooError(path: folder.path, "no weights file found (expected model.safetensors, pytorch_model.bin, "
            + "or a sharded checkpoint's model.safetensors.index.json or pytorch_model.bin.index.json)")
    }
}
