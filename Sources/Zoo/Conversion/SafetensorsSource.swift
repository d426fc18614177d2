import Foundation
import ZooFormats
import ZooTensor

/// A Hugging Face `model.safetensors`, as a source of conversion.
struct SafetensorsSource: FolderCheckpointSource {
    static let format = "safetensors"

    static func weightsFile(in folder: URL) -> URL? {
        let url = folder.appendingPathComponent("model.safetensors")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    let file: SafetensorsFile

    init(contentsOf url: URL) throws { file = try SafetensorsFile(contentsOf: url) }

    var url: URL { file.url }
    var names: [String] { file.names }
    func shape(of name: String) -> [Int]? { file.info(name)?.shape }
    func dtype(of name: String) -> DType? { file.info(name)?.dtype }
    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }
}
