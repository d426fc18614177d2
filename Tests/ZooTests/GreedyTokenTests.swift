import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// `greedyToken(after:cache:)` against the argmax of `forward`'s logits (and `decode`'s, for encoder-decoders), step
/// by step from the same prompt: float32 heads go through their argmax screen (the tiny models' 32-wide rows
/// qualify), the others through the logits.
@Suite struct GreedyTokenTests {
    @Test(arguments: [("tiny-gpt2", nil), ("tiny-gpt2", .q8_0), ("tiny-gpt2-untied-f16", nil), ("tiny-llama", nil),
                      ("tiny-llama", .q4_1), ("tiny-llama-tied-bf16", nil)] as [(String, DType?)])
    func greedyTokensAreTheLogitsArgmax(model name: String, dtype: DType?) throws {
        let (loaded, folder) = try convertedFixture(name, dtype: dtype)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let (full, screened) = (model.makeCache(capacity: 24), model.makeCache(capacity: 24))
        var input = [3, 1, 4, 1, 5]
        for _ in 0..<16 {
            let logits = model.forward(input, cache: full, allPositions: false)
            let expected = argmax(logits.data, count: model.vocabularySize)
            #expect(model.greedyToken(after: input, cache: screened) == expected)
            input = [expected]
        }
    }

    @Test(arguments: ["tiny-t5", "tiny-t5-v1_1", "tiny-bart", "tiny-bart-untied"])
    func sequenceToSequenceGreedyTokensAreTheLogitsArgmax(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any SequenceToSequenceModel)
        let input = model.encode([5, 9, 2, 7, 1])
        let (full, screened) = (model.makeDecoderState(for: input, capacity: 24),
                                model.makeDecoderState(for: input, capacity: 24))
        var token = 0
        for _ in 0..<16 {
            let logits = model.decode([token], state: full, allPositions: false)
            let expected = argmax(logits.data, count: model.vocabularySize)
            #expect(model.greedyToken(after: [token], state: screened) == expected)
            token = expected
        }
    }
}
