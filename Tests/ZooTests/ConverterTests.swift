import Foundation
import Testing
@testable import Zoo

/// Bad input to `zoo convert`: each is one clear error naming the file and the problem, and the zoo is left as it
/// was.
@Suite struct ConverterTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    /// Converts `source` expecting failure; returns the error text and checks the zoo holds nothing new.
    func failure(_ source: URL, name: String = "m") -> String {
        let before = (try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []
        do {
            try Converter(zoo: zoo).convert(source, options: .init(name: name))
            Issue.record("conversion of \(source.path) succeeded")
            return ""
        } catch {
            let after = (try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []
            #expect(after == before, "the zoo changed: \(after)")
            return "\(error)"
        }
    }

    /// The tiny GPT-2 fixture with its safetensors rewritten by `change`.
    func withTensors(_ change: (inout [(name: String, shape: [Int], values: [Float])]) -> Void) throws -> URL {
        let folder = copyOfFixture("tiny-gpt2")
        let checkpoint = try SafetensorsSource(contentsOf: folder.appendingPathComponent("model.safetensors"))
        var tensors = try checkpoint.names.sorted().map { name in
            (name: name, shape: checkpoint.shape(of: name)!, values: try checkpoint.tensor(name).toArray())
        }
        change(&tensors)
        try writeSafetensors(tensors, to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    @Test func aGoodFolderConverts() throws {
        let model = try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "good"))
        #expect(FileManager.default.fileExists(atPath: model.folder.appendingPathComponent("weights.h5").path))
        #expect(zoo.models().map(\.name) == ["good"])
        let hidden = try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty)
    }

    @Test func theConfigKeepsThePublishedKeysAndGainsTheZooObject() throws {
        let model = try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture("tiny-gpt2/config.json"))) as! NSDictionary
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: model.folder.appendingPathComponent("config.json"))) as! [String: Any]
        var withoutZoo = written
        withoutZoo["zoo"] = nil
        #expect(NSDictionary(dictionary: withoutZoo) == original)
        let metadata = try model.metadata()
        #expect(metadata.architecture == "gpt2" && metadata.format_version == 1 && metadata.dtype == "float32")
        #expect(metadata.source.format == "safetensors")
    }

    @Test func aMissingTensorIsNamed() throws {
        let source = try withTensors { $0.removeAll { $0.name == "transformer.h.1.mlp.c_fc.bias" } }
        #expect(failure(source).contains("blocks.1.mlp.up.bias"))
    }

    @Test func anUnexpectedTensorIsNamed() throws {
        let source = try withTensors { $0.append((name: "transformer.h.0.attn.extra", shape: [2], values: [1, 2])) }
        let message = failure(source)
        #expect(message.contains("model.safetensors") && message.contains("transformer.h.0.attn.extra"))
    }

    @Test func aWrongShapeIsNamed() throws {
        let source = try withTensors { tensors in
            let index = tensors.firstIndex { $0.name == "transformer.ln_f.weight" }!
            tensors[index] = (name: "transformer.ln_f.weight", shape: [31], values: Array(repeating: 1, count: 31))
        }
        let message = failure(source)
        #expect(message.contains("transformer.ln_f.weight") && message.contains("[31]") && message.contains("[32]"))
    }

    @Test func aConfigThatDisagreesWithTheWeightsIsAnError() throws {
        let source = copyOfFixture("tiny-gpt2")
        try editConfig(source) { $0["n_embd"] = 64 }
        #expect(failure(source).contains("has shape"))
    }

    @Test func anUnknownModelTypeIsNamed() throws {
        let source = copyOfFixture("tiny-gpt2")
        try editConfig(source) { $0["model_type"] = "mamba9" }
        let message = failure(source)
        #expect(message.contains("config.json") && message.contains("unknown model_type \"mamba9\""))
    }

    @Test func aConfigThatIsNotJSONIsAnError() throws {
        let source = copyOfFixture("tiny-gpt2")
        try Data("{\"model_type\": \"gpt2\",".utf8).write(to: source.appendingPathComponent("config.json"))
        #expect(failure(source).contains("config.json: not valid JSON"))
    }

    @Test func aConfigLackingAKeyNamesTheKey() throws {
        let source = copyOfFixture("tiny-gpt2")
        try editConfig(source) { $0["n_head"] = nil }
        #expect(failure(source).contains("missing key \"n_head\""))
    }

    @Test func aMissingTokenizerIsAnError() throws {
        let source = copyOfFixture("tiny-gpt2")
        for file in ["tokenizer.json", "vocab.json", "merges.txt"] {
            try FileManager.default.removeItem(at: source.appendingPathComponent(file))
        }
        #expect(failure(source).contains("no tokenizer files"))
    }

    @Test func vocabWithoutMergesIsAnError() throws {
        let source = copyOfFixture("tiny-gpt2")
        for file in ["tokenizer.json", "merges.txt"] {
            try FileManager.default.removeItem(at: source.appendingPathComponent(file))
        }
        #expect(failure(source).contains("merges.txt: missing"))
    }

    @Test func aSafetensorsHeaderThatLiesIsAnError() throws {
        let source = copyOfFixture("tiny-gpt2")
        let file = source.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: file)
        bytes.replaceSubrange(0..<8, with: Data([0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0]))
        try bytes.write(to: file)
        #expect(failure(source).contains("model.safetensors"))
    }

    @Test func anExistingNameNeedsForce() throws {
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
        let before = try Data(contentsOf: zooFolder.appendingPathComponent("m/manifest.json"))
        #expect(failure(fixture("tiny-gpt2-untied-f16")).contains("exists already"))
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2-untied-f16"), options: .init(name: "m", force: true))
        let after = try Data(contentsOf: zooFolder.appendingPathComponent("m/manifest.json"))
        #expect(before != after)
        #expect(try zoo.model(named: "m").metadata().dtype == "float16")
    }

    @Test func aBrokenTokenizerIsNamed() throws {
        let source = copyOfFixture("tiny-gpt2")
        try Data("{\"model\": {\"type\": \"BPE\", \"vocab\": 3}}".utf8).write(to: source.appendingPathComponent("tokenizer.json"))
        #expect(failure(source).contains("tokenizer.json"))
    }

    @Test func aConversionThatFailsHalfWayLeavesTheZooUnchanged() throws {
        // Cancelled once part of the weights is written.
        struct Interrupted: Error {}
        var written = 0
        #expect(throws: Interrupted.self) {
            try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m")) { done, total in
                written = done
                if done > total / 2 { throw Interrupted() }
            }
        }
        #expect(written > 0)
        #expect(zoo.models().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).isEmpty)
    }

    @Test func anAbandonedStagingFolderIsNeitherListedNorKept() throws {
        // What a conversion killed with SIGKILL leaves: a hidden folder whose process is gone.
        let abandoned = zooFolder.appendingPathComponent(".partial-m-999999-1")
        try FileManager.default.createDirectory(at: abandoned, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: abandoned.appendingPathComponent("config.json"))
        #expect(zoo.models().isEmpty)
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
    }

    @Test func invalidModelNamesAreRefused() {
        for name in ["", "../x", "a/b", ".hidden"] {
            #expect(failure(fixture("tiny-gpt2"), name: name).contains("not a valid model name"))
        }
    }

    func editConfig(_ folder: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }
}
