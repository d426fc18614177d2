import Foundation
import Testing
import ZooFormats
@testable import Zoo

/// A Hugging Face folder with pytorch_model.bin converts to the same weights.h5 tensors, bit for bit, as the same
/// model's model.safetensors. The .bin files are the tiny fixtures re-saved by Tools/make_pytorch_fixtures.py as
/// transformers 4 saved them: the whole state dict through torch.save, tied weights sharing one storage.
@Suite struct PyTorchImportTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    /// The fixture folder `name` with its model.safetensors replaced by pytorch/`bin` as pytorch_model.bin, and
    /// optionally other files swapped.
    static func pytorchFolder(_ name: String, bin: String, change: (URL) throws -> Void = { _ in }) throws -> URL {
        let folder = copyOfFixture(name)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        try FileManager.default.copyItem(at: fixture("pytorch/\(bin)"), to: folder.appendingPathComponent("pytorch_model.bin"))
        try change(folder)
        return folder
    }

    /// Checks that two converted models hold the same tensors: names, shapes, types and bytes.
    static func expectSameWeights(_ a: StoredModel, _ b: StoredModel, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let left = try ZooWeights(contentsOf: a.folder.appendingPathComponent(StoredModel.weightsFile))
        let right = try ZooWeights(contentsOf: b.folder.appendingPathComponent(StoredModel.weightsFile))
        #expect(left.names == right.names && !left.names.isEmpty, sourceLocation: sourceLocation)
        for name in left.names {
            let x = try left.tensor(name), y = try right.tensor(name)
            #expect(x.shape == y.shape && x.dtype == y.dtype, "\(name)", sourceLocation: sourceLocation)
            let same = x.byteCount == y.byteCount && memcmp(x.rawPointer, y.rawPointer, x.byteCount) == 0
            #expect(same, "\(name) differs", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [("tiny-gpt2", "tiny-gpt2.bin", "float32"), ("tiny-bert", "tiny-bert.bin", "float32"),
                      ("tiny-llama-tied-bf16", "tiny-llama-tied-bf16.bin", "bfloat16")])
    func aPyTorchFolderConvertsToTheSameTensorsAsItsSafetensors(_ name: String, _ bin: String, _ dtype: String) throws {
        let converter = Converter(zoo: zoo)
        let fromSafetensors = try converter.convert(fixture(name), options: .init(name: "safetensors"))
        let fromPyTorch = try converter.convert(try Self.pytorchFolder(name, bin: bin), options: .init(name: "pytorch"))
        try Self.expectSameWeights(fromSafetensors, fromPyTorch)
        let metadata = try fromPyTorch.metadata()
        #expect(metadata.source.format == "pytorch" && metadata.source.files.map(\.path) == ["pytorch_model.bin"])
        #expect(metadata.dtype == dtype)
        _ = try fromPyTorch.load()
    }

    @Test func safetensorsIsPreferredWhenAFolderHasBoth() throws {
        let folder = copyOfFixture("tiny-gpt2")
        try FileManager.default.copyItem(at: fixture("pytorch/tiny-gpt2.bin"), to: folder.appendingPathComponent("pytorch_model.bin"))
        #expect(try Converter(zoo: zoo).convert(folder, options: .init(name: "m")).metadata().source.format == "safetensors")
    }

    /// Folders published before tokenizer.json: a byte-level BPE as vocab.json + merges.txt, a WordPiece as vocab.txt.
    @Test func foldersWithoutTokenizerJSONConvertWithTheirOlderTokenizerFiles() throws {
        let gpt2 = try Self.pytorchFolder("tiny-gpt2", bin: "tiny-gpt2.bin") { folder in
            try FileManager.default.removeItem(at: folder.appendingPathComponent("tokenizer.json"))
        }
        let bert = try Self.pytorchFolder("tiny-bert", bin: "tiny-bert.bin") { folder in
            for file in ["tokenizer.json", "tokenizer_config.json"] {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
            }
            for file in ["vocab.txt", "tokenizer_config.json"] {
                try FileManager.default.copyItem(at: fixture("tiny-bert-legacy/\(file)"), to: folder.appendingPathComponent(file))
            }
        }
        let converter = Converter(zoo: zoo)
        for (folder, reference, text) in [(gpt2, "tiny-gpt2", "Hello, world! It's 2024 and we've got 3 cats."),
                                          (bert, "tiny-bert", "Héllo WORLD! The keeper climbed the stairs.")] {
            let model = try converter.convert(folder, options: .init(name: reference))
            let files = try FileManager.default.contentsOfDirectory(atPath: model.folder.path)
            #expect(!files.contains("tokenizer.json") && (files.contains("vocab.txt") || files.contains("merges.txt")))
            let expected = try Tokenizer.load(directory: fixture(reference)).encode(text)
            #expect(try model.tokenizer().encode(text) == expected, "\(reference)")
        }
    }
}
