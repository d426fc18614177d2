import Foundation
import Zoo

/// The harnesses for the PyTorch importer's readers, through their public entry points: the zip archive, the
/// pickle machine on a bare data.pkl, and the whole checkpoint with every tensor read.
enum PickleHarnesses {
    static let all: [Harness] = [zip, pickle, checkpoint]

    static let zip = Harness(name: "pytorch-zip", summary: "the zip archive torch.save writes (entries, ZIP64)",
                             maximumCorpusInput: 1 << 20) { input, workspace in
        let path = workspace.folder.appendingPathComponent("pytorch_model.bin").path
        let bytes = [UInt8](input)
        let archive = try bytes.withUnsafeBytes { buffer in try ZipArchive(bytes: buffer, path: path) }
        for entry in archive.entries { _ = bytes[entry.range].reduce(0, ^) }
    }

    static let pickle = Harness(name: "pickle", summary: "the pickle machine on a state dict's data.pkl",
                                maximumCorpusInput: 1 << 20) { input, workspace in
        let path = workspace.folder.appendingPathComponent("data.pkl").path
        _ = try PickleReader.read([UInt8](input), path: path)
    }

    static let checkpoint = Harness(name: "pytorch", summary: "pytorch_model.bin whole: zip, pickle, every tensor",
                                    maximumCorpusInput: 1 << 20) { input, workspace in
        let path = workspace.folder.appendingPathComponent("pytorch_model.bin").path
        let file = try PyTorchFile(bytes: [UInt8](input), path: path)
        for name in file.names { if let tensor = try? file.tensor(name) { _ = touch(tensor) } }
    }
}
