import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

// Checks shared by the parity tests of text-generation models (GPT-2, Llama): comparing a converted fixture with
// what transformers recorded.

/// The logits of every position of every recorded prompt, within `tolerance` (default: the recorded one).
func expectLogits(of loaded: LoadedModel, match expected: ExpectedOutputs, tolerance: Float? = nil) throws {
    let model = try #require(loaded.model as? any CausalLanguageModel)
    for testCase in expected.cases {
        #expect(loaded.tokenizer.encode(testCase.prompt) == testCase.prompt_ids, "\(testCase.prompt)")
        let logits = model.forward(testCase.prompt_ids, cache: model.makeCache(capacity: testCase.prompt_ids.count),
                                   allPositions: true)
        #expect(logits.shape == [testCase.prompt_ids.count, model.vocabularySize])
        let difference = maxAbsDifference(logits.toArray(), testCase.logits.flatMap { $0 })
        #expect(difference <= tolerance ?? expected.tolerance,
                "\(expected.model) \"\(testCase.prompt)\": max |Δlogit| = \(difference)")
    }
}

/// The greedy continuation of every recorded prompt, token for token, streamed as it is returned.
func expectGreedyGeneration(of loaded: LoadedModel, matches expected: ExpectedOutputs) throws {
    let generator = try loaded.textGenerator()
    for testCase in expected.cases {
        var streamed = ""
        let result = try generator.generate(
            prompt: testCase.prompt, options: GenerationOptions(maxNewTokens: expected.max_new_tokens)) { streamed += $0 }
        #expect(result.promptIDs == testCase.prompt_ids)
        #expect(result.generatedIDs == testCase.greedy_ids, "\(expected.model) \"\(testCase.prompt)\"")
        #expect(result.text == testCase.greedy_text)
        #expect(streamed == result.text)
    }
}
