import Foundation
import ZooFormats
import ZooTensor

/// A Hugging Face `pytorch_model.bin` (torch.save's zip archive), as a source of conversion. Its pickle is read by
/// a reader that runs nothing (`PyTorchFile`), so converting a file from a stranger is as safe as reading
/// safetensors.
struct PyTorchSource: FolderCheckpointSource {
    static let format = "pytorch"

    static func weightsFile(in folder: URL) -> URL? {
        let url = folder.appendingPathComponent("pytorch_model.bin")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    let file: PyTorchFile

    init(contentsOf url: URL) throws { file = try PyTorchFile(contentsOf: url) }

    var url: URL { URL(fileURLWithPath: file.path) }
    var names: [String] { file.names }
    func shape(of name: String) -> [Int]? { file.info(name)?.shape }
    func dtype(of name: String) -> DType? { file.info(name)?.dtype }
    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }
}
