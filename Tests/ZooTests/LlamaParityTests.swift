import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// Zoo against transformers on tiny random Llama checkpoints (Hugging Face folders): logits within the recorded
/// tolerance (1e-4) at every position and greedy generations identical. tiny-llama has grouped-query attention and
/// a separate output head; tiny-llama-tied-bf16 multi-query attention, an explicit head_dim, biases and a tied
/// head, stored in bfloat16.
@Suite struct LlamaParityTests {
    static let models = ["tiny-llama", "tiny-llama-tied-bf16"]

    @Test(arguments: models)
    func logitsMatchTransformers(model name: String) throws {
        let expected = try ExpectedOutputs.load(name)
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectLogits(of: loaded, match: expected)
    }

    @Test(arguments: models)
    func greedyGenerationMatchesTransformers(model name: String) throws {
        let expected = try ExpectedOutputs.load(name)
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectGreedyGeneration(of: loaded, matches: expected)
    }

    @Test func feedingThePromptInPiecesGivesTheSameLogits() throws {
        let (loaded, folder) = try convertedFixture("tiny-llama")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let ids = [5, 17, 42, 99, 3, 250, 7]
        let all = model.forward(ids, cache: model.makeCache(capacity: 8), allPositions: true)
        let cache = model.makeCache(capacity: 8)
        _ = model.forward(Array(ids.prefix(2)), cache: cache, allPositions: false)
        _ = model.forward(Array(ids[2..<3]), cache: cache, allPositions: false)
        let last = model.forward(Array(ids.suffix(4)), cache: cache, allPositions: false)
        #expect(maxAbsDifference(last.toArray(), all.row(6).toArray()) < 1e-5)
    }
}
