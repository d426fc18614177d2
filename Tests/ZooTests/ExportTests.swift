import Foundation
import Testing
@testable import Zoo

/// `zoo export`: a Hugging Face folder out of a zoo model, whose tensors are the imported ones bit for bit.
@Suite struct ExportTests {
    static let floatFixtures = ["tiny-gpt2", "tiny-gpt2-untied-f16", "tiny-llama", "tiny-llama-tied-bf16", "tiny-bert",
                                "tiny-bert-encoder", "tiny-distilbert", "tiny-roberta"]

    /// The raw bytes, shape and dtype of every tensor of a safetensors file.
    static func contents(_ url: URL) throws -> [String: (shape: [Int], dtype: DType, bytes: Data)] {
        let file = try SafetensorsFile(contentsOf: url)
        var result: [String: (shape: [Int], dtype: DType, bytes: Data)] = [:]
        for name in file.names where file.unreadableDType(name) == nil {
            let tensor = try file.tensor(name)
            result[name] = (tensor.shape, tensor.dtype, Data(bytes: tensor.rawPointer, count: tensor.byteCount))
        }
        return result
    }

    @Test(arguments: floatFixtures)
    func aFloatModelRoundTripsBitForBit(_ name: String) throws {
        let zooFolder = temporaryFolder("zoo")
        let zoo = ModelZoo(folders: [zooFolder])
        let stored = try Converter(zoo: zoo).convert(fixture(name), options: .init(name: "m"))
        let out = temporaryFolder("export").appendingPathComponent("hf")
        try HuggingFaceExport(model: stored).write(to: out)

        // Every tensor the import kept comes back under its own name, bit for bit; the skipped ones (buffers, tied
        // copies) stay out.
        let architecture = try Architectures.instantiate(try stored.config())
        let source = try Self.contents(fixture(name).appendingPathComponent("model.safetensors"))
        let exported = try Self.contents(out.appendingPathComponent("model.safetensors"))
        let kept = source.keys.filter {
            if case .tensor = architecture.importRule(forHuggingFaceName: $0) { true } else { false }
        }
        #expect(Set(exported.keys) == Set(kept))
        for key in kept {
            #expect(exported[key]?.shape == source[key]!.shape && exported[key]?.dtype == source[key]!.dtype, "\(key)")
            #expect(exported[key]?.bytes == source[key]!.bytes, "\(name): \(key) differs")
        }

        // config.json is the published one again, byte for byte, and so are the tokenizer files.
        for file in try FileManager.default.contentsOfDirectory(atPath: fixture(name).path) where file != "model.safetensors" {
            #expect(try Data(contentsOf: out.appendingPathComponent(file))
                == Data(contentsOf: fixture(name).appendingPathComponent(file)), "\(file)")
        }

        // Converting the export again gives the same weights.
        let again = try Converter(zoo: zoo).convert(out, options: .init(name: "again"))
        let first = try ZooWeights(contentsOf: stored.folder.appendingPathComponent("weights.h5"))
        let second = try ZooWeights(contentsOf: again.folder.appendingPathComponent("weights.h5"))
        #expect(first.names == second.names)
        for tensor in first.names {
            let a = try first.tensor(tensor), b = try second.tensor(tensor)
            #expect(Data(bytes: a.rawPointer, count: a.byteCount) == Data(bytes: b.rawPointer, count: b.byteCount))
        }
    }

    @Test func everyExportNameImportsBackToItsTensor() throws {
        for name in Self.floatFixtures {
            let architecture = try Architectures.instantiate(
                try ModelConfig(contentsOf: fixture(name).appendingPathComponent("config.json")))
            for canonical in architecture.tensorShapes.keys {
                guard let export = architecture.exportName(forCanonicalName: canonical) else {
                    Issue.record("\(name): no export name for \(canonical)")
                    continue
                }
                #expect(architecture.importRule(forHuggingFaceName: export.huggingFaceName)
                    == .tensor(canonical, export.transform), "\(name): \(canonical)")
            }
            #expect(architecture.exportName(forCanonicalName: "blocks.99.norm1.weight") == nil)
        }
    }

    @Test func quantizedBlocksAreRefusedUnlessDequantized() throws {
        let zoo = ModelZoo(folders: [temporaryFolder("zoo")])
        let stored = try Converter(zoo: zoo).convert(fixture("tiny-llama.q8_0.gguf"), options: .init(name: "q"))
        let out = temporaryFolder("export")
        do {
            try HuggingFaceExport(model: stored).write(to: out)
            Issue.record("quantized blocks were exported")
        } catch {
            #expect("\(error)".contains("q8_0") && "\(error)".contains("--dequantize"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        try HuggingFaceExport(model: stored).write(to: out, options: .init(dequantize: true))
        let exported = try Self.contents(out.appendingPathComponent("model.safetensors"))
        #expect(exported.values.allSatisfy { $0.dtype == .float32 })
        let reloaded = try Converter(zoo: zoo).convert(out, options: .init(name: "f"))
        #expect(try reloaded.metadata().dtype == "float32")
    }

    @Test func aFolderThatIsNotEmptyIsRefusedUnlessForced() throws {
        let zoo = ModelZoo(folders: [temporaryFolder("zoo")])
        let stored = try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
        let out = temporaryFolder("export")
        try Data("keep".utf8).write(to: out.appendingPathComponent("notes.txt"))
        do {
            try HuggingFaceExport(model: stored).write(to: out)
            Issue.record("wrote into a folder that was not empty")
        } catch {
            #expect("\(error)".contains(out.path) && "\(error)".contains("--force"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["notes.txt"])
        try HuggingFaceExport(model: stored).write(to: out, options: .init(force: true))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
    }
}
