import Foundation
import ZooTensor

/// The tensors of a checkpoint in another format, read for conversion. Each import format (safetensors today)
/// is one type conforming to this protocol and listed in `CheckpointSources.all`.
protocol CheckpointSource: Sendable {
    /// The format's name, recorded in the converted model's metadata.
    static var format: String { get }
    /// The weights file inside a Hugging Face folder, if this format has one there.
    static func weightsFile(in folder: URL) -> URL?

    init(contentsOf url: URL) throws
    var url: URL { get }
    var names: [String] { get }
    func shape(of name: String) -> [Int]?
    func dtype(of name: String) -> DType?
    func tensor(_ name: String) throws -> Tensor
}

enum CheckpointSources {
    static let all: [any CheckpointSource.Type] = [SafetensorsSource.self]

    /// Opens the weights of a Hugging Face folder with the first format that finds its file there.
    static func open(folder: URL) throws -> any CheckpointSource {
        for format in all {
            if let file = format.weightsFile(in: folder) { return try format.init(contentsOf: file) }
        }
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        let known = ["pytorch_model.bin": "PyTorch .bin checkpoints are not supported yet: save the model with safetensors",
                     "model.safetensors.index.json": "sharded safetensors checkpoints are not supported yet"]
        for (file, problem) in known where present.contains(file) {
            throw ZooError(path: folder.appendingPathComponent(file).path, problem)
        }
        throw ZooError(path: folder.path, "no weights file found (expected model.safetensors)")
    }
}
