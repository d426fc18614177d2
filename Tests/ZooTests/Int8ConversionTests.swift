import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// `zoo convert --dtype int8` (Q8_0 blocks for the matrices, float32 for norms and biases) and the other block types.
@Suite struct Int8ConversionTests {
    /// tiny-llama.q8_0.gguf holds tiny-llama's matrices quantized to Q8_0 by the `gguf` package, as llama.cpp's
    /// converter writes them; quantizing the float folder gives the same blocks, so the same outputs transformers
    /// recorded for that file, at its tolerance (1e-4).
    @Test func int8FromFloatWeightsMatchesTransformersOnTheSameBlocks() throws {
        let expected = try ExpectedOutputs.load("tiny-llama.q8_0")
        let (loaded, folder) = try convertedFixture("tiny-llama", dtype: .q8_0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try ZooWeights(contentsOf: folder.appendingPathComponent("m/weights.h5"))
        for name in ["blocks.0.attn.q.weight", "blocks.1.mlp.down.weight", "token_embedding.weight", "lm_head.weight"] {
            #expect(weights.info(name)?.dtype == .q8_0, "\(name)")
        }
        #expect(weights.info("blocks.0.norm1.weight")?.dtype == .float32)
        #expect(try ModelZoo(folders: [folder]).model(named: "m").metadata().dtype == "q8_0")
        try expectLogits(of: loaded, match: expected)
        try expectGreedyGeneration(of: loaded, matches: expected)
    }

    /// GPT-2's Conv1D weights are transposed first, then quantized; biases, norms stay float32. The blocks are
    /// bit for bit those of `Tensor.converted(to:)` of the float conversion's tensors.
    @Test(arguments: [DType.q8_0, .q4_0, .q4_1])
    func gpt2MatricesAreQuantizedAfterTheirTranspose(type: DType) throws {
        let zoo = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: zoo) }
        let converter = Converter(zoo: ModelZoo(folders: [zoo]))
        let float = try converter.convert(fixture("tiny-gpt2"), options: .init(name: "f32"))
        let quantized = try converter.convert(fixture("tiny-gpt2"), options: .init(name: "q", dtype: type))
        let floatWeights = try ZooWeights(contentsOf: float.folder.appendingPathComponent("weights.h5"))
        let weights = try ZooWeights(contentsOf: quantized.folder.appendingPathComponent("weights.h5"))
        for name in weights.names {
            let stored = try weights.tensor(name)
            let source = try floatWeights.tensor(name)
            if source.shape.count == 2 {
                #expect(stored.dtype == type, "\(name)")
                let expected = source.converted(to: type)
                let same = memcmp(stored.rawPointer, expected.rawPointer, stored.byteCount) == 0
                #expect(same, "\(name): blocks differ from Tensor.converted(to:)")
            } else {
                #expect(stored.dtype == .float32, "\(name)")
                #expect(stored.toArray() == source.toArray(), "\(name)")
            }
        }
        #expect(try quantized.metadata().dtype == type.rawValue)
    }

    /// The quantized GPT-2 runs and stays close to float32: Q8_0 keeps about 8 significant bits per block, Q4_1
    /// about 4, so the logits move, but by less than 2% (q8_0) or 20% (q4_1) of their spread.
    @Test(arguments: [(DType.q8_0, Float(0.02)), (.q4_1, 0.2)])
    func gpt2QuantizedStaysCloseToFloat32(type: DType, fraction: Float) throws {
        let expected = try ExpectedOutputs.load("tiny-gpt2")
        let (loaded, folder) = try convertedFixture("tiny-gpt2", dtype: type)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let testCase = expected.cases[0]
        let logits = model.forward(testCase.prompt_ids, cache: model.makeCache(capacity: 64), allPositions: true)
        let reference = testCase.logits.flatMap { $0 }
        let range = reference.max()! - reference.min()!
        let difference = maxAbsDifference(logits.toArray(), reference)
        #expect(difference > 0 && difference < fraction * range, "max |Δlogit| = \(difference) over a range of \(range)")
    }
}
