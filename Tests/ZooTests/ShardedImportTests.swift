import Foundation
import Testing
@testable import Zoo

/// Sharded checkpoints: an index file whose weight_map names each tensor's shard. They convert to the same tensors
/// as the single-file checkpoint of the same model; an index that disagrees with its shards is an error naming the
/// file, and the zoo is left as it was.
@Suite struct ShardedImportTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    /// tiny-gpt2 (float32) with its model.safetensors split in 3 shards and model.safetensors.index.json; `edit`
    /// may change each shard's tensors (by shard number) and the weight map before they are written.
    func shardedSafetensors(
        edit: (inout [[(name: String, shape: [Int], values: [Float])]], inout [String: String]) -> Void = { _, _ in }
    ) throws -> URL {
        let folder = copyOfFixture("tiny-gpt2")
        let single = folder.appendingPathComponent("model.safetensors")
        let checkpoint = try SafetensorsSource(contentsOf: single)
        let tensors = try checkpoint.names.map { (name: $0, shape: checkpoint.shape(of: $0)!, values: try checkpoint.tensor($0).toArray()) }
        try FileManager.default.removeItem(at: single)
        var shards = (0..<3).map { shard in tensors.enumerated().filter { $0.offset % 3 == shard }.map(\.element) }
        var weightMap: [String: String] = [:]
        for (index, shard) in shards.enumerated() {
            for tensor in shard { weightMap[tensor.name] = Self.shardName(index) }
        }
        edit(&shards, &weightMap)
        for (index, shard) in shards.enumerated() {
            try writeSafetensors(shard, to: folder.appendingPathComponent(Self.shardName(index)))
        }
        try writeIndex(["metadata": ["total_size": 0], "weight_map": weightMap], in: folder)
        return folder
    }

    static func shardName(_ index: Int) -> String { "model-0000\(index + 1)-of-00003.safetensors" }

    func writeIndex(_ index: Any, in folder: URL, name: String = "model.safetensors.index.json") throws {
        try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys]).write(to: folder.appendingPathComponent(name))
    }

    /// The tiny GPT-2 with float16 weights as 3 pytorch_model.bin shards (Tools/make_pytorch_fixtures.py).
    func shardedPyTorch() throws -> URL {
        let folder = copyOfFixture("tiny-gpt2-untied-f16")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        let shards = fixture("pytorch/tiny-gpt2-untied-f16-sharded")
        for file in try FileManager.default.contentsOfDirectory(atPath: shards.path) {
            try FileManager.default.copyItem(at: shards.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        return folder
    }

    func failure(_ source: URL, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            try Converter(zoo: zoo).convert(source, options: .init(name: "m"))
            Issue.record("conversion of \(source.path) succeeded", sourceLocation: sourceLocation)
            return ""
        } catch {
            #expect(zoo.models().isEmpty, sourceLocation: sourceLocation)
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []
            #expect(leftovers.allSatisfy { $0.hasPrefix(".") }, "\(leftovers)", sourceLocation: sourceLocation)
            return "\(error)"
        }
    }

    @Test func shardedSafetensorsConvertToTheSameTensorsAsOneFile() throws {
        let converter = Converter(zoo: zoo)
        let single = try converter.convert(fixture("tiny-gpt2"), options: .init(name: "single"))
        let sharded = try converter.convert(try shardedSafetensors(), options: .init(name: "sharded"))
        try PyTorchImportTests.expectSameWeights(single, sharded)
        #expect(try sharded.metadata().source.files.map(\.path) == ["model.safetensors.index.json"])
    }

    @Test func shardedPyTorchFloat16ConvertsToTheSameTensorsAsItsSafetensors() throws {
        let converter = Converter(zoo: zoo)
        let single = try converter.convert(fixture("tiny-gpt2-untied-f16"), options: .init(name: "single"))
        let sharded = try converter.convert(try shardedPyTorch(), options: .init(name: "sharded"))
        try PyTorchImportTests.expectSameWeights(single, sharded)
        let metadata = try sharded.metadata()
        #expect(metadata.source.format == "pytorch" && metadata.dtype == "float16")
        #expect(metadata.source.files.map(\.path) == ["pytorch_model.bin.index.json"])
    }

    @Test func anIndexNamingAMissingShardIsAnErrorNamingTheShard() throws {
        let folder = try shardedPyTorch()
        let shard = folder.appendingPathComponent("pytorch_model-00002-of-00003.bin")
        try FileManager.default.removeItem(at: shard)
        #expect(failure(folder).hasPrefix(shard.path + ": missing: pytorch_model.bin.index.json maps "))
    }

    @Test func aTensorInTwoShardsIsAnError() throws {
        let folder = try shardedSafetensors { shards, _ in shards[2].append(shards[0][0]) }
        let message = failure(folder)
        #expect(message.hasPrefix(folder.appendingPathComponent(Self.shardName(2)).path + ": tensor \"")
            && message.contains("is also in \(Self.shardName(0)): a tensor must be stored once"), "\(message)")
    }

    @Test func aTensorTheIndexOmitsIsAnError() throws {
        var omitted = ""
        let folder = try shardedSafetensors { shards, weightMap in
            omitted = shards[1][0].name
            weightMap[omitted] = nil
        }
        #expect(failure(folder) == folder.appendingPathComponent(Self.shardName(1)).path
            + ": tensor \"\(omitted)\" is missing from the weight_map of model.safetensors.index.json")
    }

    @Test func aTensorTheIndexPlacesElsewhereOrThatNoShardHoldsIsAnError() throws {
        var moved = ""
        let misplaced = try shardedSafetensors { shards, weightMap in
            moved = shards[1][0].name
            weightMap[moved] = Self.shardName(2)
        }
        #expect(failure(misplaced) == misplaced.appendingPathComponent(Self.shardName(1)).path
            + ": holds tensor \"\(moved)\", which model.safetensors.index.json maps to \(Self.shardName(2))")

        let phantom = try shardedSafetensors { _, weightMap in weightMap["transformer.h.9.ln_1.weight"] = Self.shardName(0) }
        #expect(failure(phantom) == phantom.appendingPathComponent(Self.shardName(0)).path
            + ": has no tensor \"transformer.h.9.ln_1.weight\", which model.safetensors.index.json maps to it")
    }

    @Test func aBadIndexFileIsNamed() throws {
        let folder = try shardedSafetensors()
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        for (contents, problem) in [("{\"metadata\": {}}", "not a shard index: it has no \"weight_map\""),
                                    ("[1, 2", "not a shard index: a JSON object"),
                                    ("{\"weight_map\": {}}", "the weight_map is empty"),
                                    ("{\"weight_map\": {\"a\": \"../model.safetensors\"}}",
                                     "shard \"../model.safetensors\" is not a file name beside the index")] {
            try Data(contents.utf8).write(to: index)
            let message = failure(folder)
            #expect(message.hasPrefix(index.path + ": " + problem), "\(message)")
        }
    }
}
