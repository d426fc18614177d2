import Foundation
import Testing
import ZooModels
@testable import Zoo

/// The fill-mask and embedding pipelines end to end, from text through the converted model's own tokenizer, against
/// transformers' pipelines.
@Suite struct EncoderPipelineTests {
    /// Fill-mask results as transformers' pipeline gave them: ids and tokens in order, scores within tolerance.
    func expectFillMaskMatches(_ loaded: LoadedModel, _ expected: EncoderExpectedOutputs) throws {
        let fill = try loaded.fillMask()
        #expect(fill.maskToken == expected.mask_token && fill.maskTokenID == expected.mask_token_id)
        for testCase in expected.cases where testCase.fill_mask != nil {
            let found = try fill(testCase.text, topK: 5)
            let reference = try #require(testCase.fill_mask)
            #expect(found.count == reference.count)
            for (candidates, wanted) in zip(found, reference) {
                #expect(candidates.map(\.tokenID) == wanted.map(\.token_id), "\(expected.model) \"\(testCase.text)\"")
                #expect(candidates.map(\.token) == wanted.map(\.token), "\(expected.model) \"\(testCase.text)\"")
                #expect(maxAbsDifference(candidates.map(\.score), wanted.map(\.score)) <= expected.tolerance)
            }
        }
    }

    /// Ids as transformers' tokenizer gave them, and the embeddings of all texts.
    func expectEmbeddingsMatch(_ loaded: LoadedModel, _ expected: EncoderExpectedOutputs) throws {
        for testCase in expected.cases {
            #expect(loaded.tokenizer.encode(testCase.text) == testCase.input_ids, "\(expected.model) \"\(testCase.text)\"")
        }
        let embed = try loaded.embedder()
        let texts = expected.cases.map(\.text)
        let mean = try embed(texts, pooling: .mean, normalize: true)
        let cls = try embed(texts, pooling: .cls)
        #expect(maxAbsDifference(mean.flatMap { $0 }, expected.embeddings_mean_normalized.flatMap { $0 }) <= expected.tolerance)
        #expect(maxAbsDifference(cls.flatMap { $0 }, expected.embeddings_cls.flatMap { $0 }) <= expected.tolerance)
        let similarity = try embed.similarity(texts[2], texts[3])
        let reference = cosineSimilarity(expected.embeddings_mean_normalized[2], expected.embeddings_mean_normalized[3])
        #expect(abs(similarity - reference) <= expected.tolerance)
    }

    @Test func robertaEndToEnd() throws {
        let expected = try EncoderExpectedOutputs.load("tiny-roberta")
        let (loaded, folder) = try convertedFixture("tiny-roberta")
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectFillMaskMatches(loaded, expected)
        try expectEmbeddingsMatch(loaded, expected)
    }

    /// Waits for the WordPiece tokenizer: runs once ZooTokenizers loads the BERT and DistilBERT fixtures' tokenizers.
    @Test(.enabled(if: EncoderFixtures.wordPieceLoads, "waits for the WordPiece tokenizer"),
          arguments: EncoderFixtures.wordPiece)
    func wordPieceModelsEndToEnd(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        if EncoderFixtures.masked.contains(name) { try expectFillMaskMatches(loaded, expected) }
        try expectEmbeddingsMatch(loaded, expected)
    }

    @Test func aTextWithSeveralMasksGivesOneListPerMaskInTextOrder() throws {
        let (loaded, folder) = try convertedFixture("tiny-roberta")
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = try loaded.fillMask()("<mask> and <mask>, then <mask>.", topK: 3)
        #expect(found.count == 3 && found.allSatisfy { $0.count == 3 })
        for candidates in found {
            #expect(candidates.map(\.score) == candidates.map(\.score).sorted(by: >))
            #expect(candidates.allSatisfy { $0.score > 0 && $0.score <= 1 })
        }
    }

    @Test func cosineSimilarityOfVectors() {
        #expect(cosineSimilarity([1, 0], [0, 2]) == 0)
        #expect(abs(cosineSimilarity([1, 2, 3], [2, 4, 6]) - 1) < 1e-6)
        #expect(abs(cosineSimilarity([1, 0], [-3, 0]) + 1) < 1e-6)
        #expect(cosineSimilarity([0, 0], [1, 1]) == 0)
    }
}
