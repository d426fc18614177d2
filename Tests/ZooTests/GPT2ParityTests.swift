import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// Zoo against transformers on tiny random GPT-2 checkpoints: logits within the recorded tolerance (1e-4) and
/// greedy generations identical.
@Suite struct GPT2ParityTests {
    static let models = ["tiny-gpt2", "tiny-gpt2-untied-f16"]

    @Test(arguments: models)
    func logitsMatchTransformers(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectLogits(of: loaded, match: try ExpectedOutputs.load(name))
    }

    @Test(arguments: models)
    func greedyGenerationMatchesTransformers(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectGreedyGeneration(of: loaded, matches: try ExpectedOutputs.load(name))
    }

    @Test func lastPositionLogitsEqualTheFullPass() throws {
        let (loaded, folder) = try convertedFixture("tiny-gpt2")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let ids = [5, 17, 42, 99, 3]
        let all = model.forward(ids, cache: model.makeCache(capacity: 8), allPositions: true)
        // Feeding the prompt in two pieces through the cache gives the same last-position logits.
        let cache = model.makeCache(capacity: 8)
        _ = model.forward(Array(ids.prefix(2)), cache: cache, allPositions: false)
        let last = model.forward(Array(ids.suffix(3)), cache: cache, allPositions: false)
        #expect(maxAbsDifference(last.toArray(), all.row(4).toArray()) < 1e-5)
    }

    @Test func bfloat16ConversionStaysCloseToFloat32() throws {
        let expected = try ExpectedOutputs.load("tiny-gpt2")
        let (loaded, folder) = try convertedFixture("tiny-gpt2", dtype: .bfloat16)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try ModelZoo(folders: [folder]).model(named: "m").info().dtype == "bfloat16")
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let testCase = expected.cases[0]
        let logits = model.forward(testCase.prompt_ids, cache: model.makeCache(capacity: 64), allPositions: true)
        let reference = testCase.logits.flatMap { $0 }
        let range = reference.max()! - reference.min()!
        let difference = maxAbsDifference(logits.toArray(), reference)
        // bfloat16 keeps 8 significant bits; the logits move, but by far less than their spread.
        #expect(difference > 0 && difference < 0.05 * range, "max |Δlogit| = \(difference) over a range of \(range)")
    }
}
