import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// Zoo against transformers on the tiny random encoders, fed the token ids transformers' tokenizer gave: hidden
/// states and (for the texts with masks) logits within the recorded tolerance (1e-4), the fill-mask pipeline's top 5 in the same order with
/// scores within 1e-4, and the pooled embeddings of a padded batch.
@Suite struct EncoderParityTests {
    @Test(arguments: EncoderFixtures.all)
    func hiddenStatesMatchTransformers(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        let model = try encoderOfFixture(name)
        for testCase in expected.cases {
            let input = EncoderInput(sequences: [testCase.input_ids], padding: model.paddingTokenID)
            let hidden = model.hiddenStates(input)
            #expect(hidden.shape == [1, testCase.input_ids.count, model.hiddenSize])
            let difference = maxAbsDifference(hidden.toArray(), testCase.hidden_states.flatMap { $0 })
            #expect(difference <= expected.tolerance, "\(name) \"\(testCase.text)\": max |Δhidden| = \(difference)")
        }
    }

    @Test(arguments: EncoderFixtures.masked)
    func logitsMatchTransformers(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        let model = try #require(try encoderOfFixture(name) as? any MaskedLanguageModel)
        var compared = 0
        for testCase in expected.cases {
            guard let reference = testCase.logits?.flatMap({ $0 }) else { continue }
            let logits = model.logits(EncoderInput(sequences: [testCase.input_ids], padding: model.paddingTokenID))
            #expect(logits.shape == [1, testCase.input_ids.count, model.vocabularySize])
            compared += 1
            let difference = maxAbsDifference(logits.toArray(), reference)
            #expect(difference <= expected.tolerance, "\(name) \"\(testCase.text)\": max |Δlogit| = \(difference)")
        }
        #expect(compared == 2, "the logits of the two texts with masks")
    }

    @Test(arguments: EncoderFixtures.masked)
    func fillMaskTopFiveMatchesThePipeline(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        let model = try #require(try encoderOfFixture(name) as? any MaskedLanguageModel)
        var masks = 0
        for testCase in expected.cases {
            let found = model.fillMask(ids: testCase.input_ids, maskTokenID: expected.mask_token_id, topK: 5)
            let reference = testCase.fill_mask ?? []
            #expect(found.count == reference.count, "\(name) \"\(testCase.text)\"")
            for (candidates, wanted) in zip(found, reference) {
                #expect(candidates.map(\.id) == wanted.map(\.token_id), "\(name) \"\(testCase.text)\"")
                let difference = maxAbsDifference(candidates.map(\.score), wanted.map(\.score))
                #expect(difference <= expected.tolerance, "\(name) \"\(testCase.text)\": max |Δscore| = \(difference)")
                masks += 1
            }
        }
        #expect(masks == 3, "the fixture has one text with one mask and one with two")
    }

    @Test(arguments: EncoderFixtures.all)
    func pooledEmbeddingsOfAPaddedBatchMatchTransformers(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        let model = try encoderOfFixture(name)
        let sequences = expected.cases.map(\.input_ids)
        let mean = model.embeddings(of: sequences, pooling: .mean, normalize: true)
        let cls = model.embeddings(of: sequences, pooling: .cls, normalize: false)
        let meanDifference = maxAbsDifference(mean.flatMap { $0 }, expected.embeddings_mean_normalized.flatMap { $0 })
        let clsDifference = maxAbsDifference(cls.flatMap { $0 }, expected.embeddings_cls.flatMap { $0 })
        #expect(meanDifference <= expected.tolerance, "\(name): max |Δ| of mean-pooled embeddings = \(meanDifference)")
        #expect(clsDifference <= expected.tolerance, "\(name): max |Δ| of CLS embeddings = \(clsDifference)")
        for vector in mean { #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5) }
    }

    @Test func aBertModelCheckpointIsAnEncoderWithoutAHead() throws {
        let model = try encoderOfFixture("tiny-bert-encoder")
        #expect(!(model is any MaskedLanguageModel))
        #expect(try encoderOfFixture("tiny-bert") is any MaskedLanguageModel)
    }
}
