import Foundation
import Testing
import ZooFormats
@testable import Zoo

/// Bad pytorch_model.bin files in a Hugging Face folder: each conversion fails with one error naming the file and
/// the problem, nothing is run, and the zoo is left as it was.
@Suite struct PyTorchImportBadInputTests {
    let zooFolder = temporaryFolder("zoo")

    func failure(_ source: URL, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let zoo = ModelZoo(folders: [zooFolder])
        let before = (try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []
        do {
            try Converter(zoo: zoo).convert(source, options: .init(name: "m"))
            Issue.record("conversion of \(source.path) succeeded", sourceLocation: sourceLocation)
            return ""
        } catch {
            let after = (try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []
            #expect(after == before, "the zoo changed: \(after)", sourceLocation: sourceLocation)
            return "\(error)"
        }
    }

    /// tiny-gpt2 with `bytes` as its pytorch_model.bin (and no model.safetensors).
    func folder(withBin bytes: Data) throws -> (folder: URL, bin: String) {
        let folder = try PyTorchImportTests.pytorchFolder("tiny-gpt2", bin: "tiny-gpt2.bin")
        let bin = folder.appendingPathComponent("pytorch_model.bin")
        try bytes.write(to: bin)
        return (folder, bin.path)
    }

    @Test func aPickleThatWouldRunACommandIsRefusedAndTheCommandDoesNotRun() throws {
        // The fixture's pickle is os.system("touch <marker>"), checked by the fixture script to run under torch.load.
        let marker = URL(fileURLWithPath: "/tmp/zoo-pickle-ran-os-system")
        try? FileManager.default.removeItem(at: marker)
        let source = try folder(withBin: Data(contentsOf: fixture("pytorch/malicious-os-system.bin")))
        let message = failure(source.folder)
        #expect(message.hasPrefix(source.bin + ": archive/data.pkl, byte 2: refuses posix.system (GLOBAL)"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func theLegacyFormatIsAClearError() throws {
        // How every legacy file starts: protocol 2, then the magic number 0x1950a86a20f9469cfc6c as LONG1.
        let legacy: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let source = try folder(withBin: Data(legacy))
        let message = failure(source.folder)
        #expect(message.hasPrefix(source.bin + ": the legacy PyTorch format") && message.contains("save it again"))
    }

    @Test func aTruncatedFileIsAClearError() throws {
        let whole = try Data(contentsOf: fixture("pytorch/tiny-gpt2.bin"))
        let source = try folder(withBin: whole.prefix(whole.count / 2))
        #expect(failure(source.folder).hasPrefix(source.bin + ": truncated or not a zip archive"))
    }

    @Test func aDamagedTensorIsFoundBeforeTheModelEntersTheZoo() throws {
        var bytes = try [UInt8](Data(contentsOf: fixture("pytorch/tiny-gpt2.bin")))
        let archive = try bytes.withUnsafeBytes { try ZipArchive(bytes: $0, path: "tiny-gpt2.bin") }
        let storage = try #require(archive.entries.last { $0.name.contains("/data/") && $0.size > 0 })
        bytes[storage.offset + storage.size / 2] ^= 0x01
        let source = try folder(withBin: Data(bytes))
        let message = failure(source.folder)
        #expect(message.hasPrefix(source.bin + ": entry \"tiny-gpt2/data/") && message.contains("is damaged: its CRC-32"),
                "\(message)")
    }

    @Test func formatsZooDoesNotReadAreNamed() throws {
        let tensorflow = copyOfFixture("tiny-gpt2")
        try FileManager.default.removeItem(at: tensorflow.appendingPathComponent("model.safetensors"))
        try Data([0x89, 0x48, 0x44, 0x46]).write(to: tensorflow.appendingPathComponent("tf_model.h5"))
        #expect(failure(tensorflow).hasPrefix(tensorflow.appendingPathComponent("tf_model.h5").path
            + ": TensorFlow checkpoints are not read"))

        try FileManager.default.removeItem(at: tensorflow.appendingPathComponent("tf_model.h5"))
        #expect(failure(tensorflow).contains("no weights file found (expected model.safetensors, pytorch_model.bin"))

        let bin = fixture("pytorch/tiny-gpt2.bin")
        #expect(failure(bin) == bin.path + ": a weights file alone cannot be converted: give the Hugging Face folder "
            + "that holds it with its config.json and tokenizer files")
    }
}
