import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// Batches of texts of different lengths, padded on the right: each text's results equal those of the text alone.
@Suite struct EncoderBatchingTests {
    /// The fixture's four texts, of 8 to 39 tokens.
    func sequences(_ name: String) throws -> [[Int]] {
        try EncoderExpectedOutputs.load(name).cases.map(\.input_ids)
    }

    @Test(arguments: EncoderFixtures.all)
    func aBatchedForwardEqualsTheUnbatchedOnes(model name: String) throws {
        let model = try encoderOfFixture(name)
        let sequences = try sequences(name)
        #expect(Set(sequences.map(\.count)).count == sequences.count, "the texts have different lengths")
        let input = EncoderInput(sequences: sequences, padding: model.paddingTokenID)
        let batched = model.hiddenStates(input)
        let logits = (model as? any MaskedLanguageModel)?.logits(input)
        for (b, sequence) in sequences.enumerated() {
            let alone = EncoderInput(sequences: [sequence], padding: model.paddingTokenID)
            let difference = maxAbsDifference(positions(batched, sequence: b, count: sequence.count),
                                              model.hiddenStates(alone).toArray())
            #expect(difference <= 1e-5, "\(name), text \(b): max |Δhidden| = \(difference)")
            if let logits, let masked = model as? any MaskedLanguageModel {
                let logitDifference = maxAbsDifference(positions(logits, sequence: b, count: sequence.count),
                                                       masked.logits(alone).toArray())
                #expect(logitDifference <= 1e-5, "\(name), text \(b): max |Δlogit| = \(logitDifference)")
            }
        }
    }

    @Test(arguments: ["tiny-bert", "tiny-roberta"])
    func whatPadsASequenceDoesNotMatter(model name: String) throws {
        let model = try encoderOfFixture(name)
        let sequences = try sequences(name)
        let padded = EncoderInput(sequences: sequences, padding: model.paddingTokenID)
        // The same batch with another token in the padding: the mask alone keeps it out.
        let other = EncoderInput(batch: padded.batch, length: padded.length,
                                 ids: zip(padded.ids, padded.mask).map { $1 ? $0 : 7 }, mask: padded.mask,
                                 tokenTypes: padded.tokenTypes)
        let a = model.hiddenStates(padded), b = model.hiddenStates(other)
        for (index, sequence) in sequences.enumerated() {
            #expect(positions(a, sequence: index, count: sequence.count) == positions(b, sequence: index, count: sequence.count))
        }
    }

    @Test(arguments: EncoderFixtures.all)
    func embeddingsDoNotDependOnTheBatchSize(model name: String) throws {
        let model = try encoderOfFixture(name)
        let sequences = try sequences(name)
        let together = model.embeddings(of: sequences, pooling: .mean, normalize: true)
        let oneByOne = model.embeddings(of: sequences, pooling: .mean, normalize: true, batchSize: 1)
        #expect(maxAbsDifference(together.flatMap { $0 }, oneByOne.flatMap { $0 }) <= 1e-5)
    }

    @Test func anInputIsPaddedOnTheRightWithItsMaskAndTokenTypes() {
        let input = EncoderInput(sequences: [[5, 6, 7], [8]], padding: 1, tokenTypes: [[0, 0, 1], [0]])
        #expect(input.batch == 2 && input.length == 3)
        #expect(input.ids == [5, 6, 7, 8, 1, 1])
        #expect(input.mask == [true, true, true, true, false, false])
        #expect(input.tokenTypes == [0, 0, 1, 0, 0, 0])
        #expect(input.tokenCount(of: 0) == 3 && input.tokenCount(of: 1) == 1)
    }

    @Test func robertaPositionsCountFromAfterThePaddingIndexWhichPaddingKeeps() {
        let input = EncoderInput(sequences: [[0, 5, 6, 2], [0, 7, 2]], padding: 1)
        #expect(EncoderLayout.Positions.afterPadding(1).ids(for: input) == [2, 3, 4, 5, 2, 3, 4, 1])
        #expect(EncoderLayout.Positions.absolute.ids(for: input) == [0, 1, 2, 3, 0, 1, 2, 3])
    }
}
