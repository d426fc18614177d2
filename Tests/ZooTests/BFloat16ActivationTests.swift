import CZooFloat
import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// Models converted to bfloat16 and loaded with bfloat16 activations (`LoadOptions.bf16Activations`) against
/// transformers' float32 outputs: encoders, a decoder's prompt and an encoder-decoder's passes stay within 5% of the
/// reference logits' spread (bfloat16 keeps 8 significant bits, of weights and of the products' inputs alike), and
/// differ from the same weights' float32-activation outputs, which shows the rounded products ran. The products
/// themselves are checked to float32 rounding in `BFloat16ProductTests`.
@Suite struct BFloat16ActivationTests {
    /// The largest |Δ| of `logits` from `reference`, which must stay under 5% of the reference's range.
    func expectClose(_ logits: [Float], _ reference: [Float], _ label: String) {
        let range = reference.max()! - reference.min()!, difference = maxAbsDifference(logits, reference)
        #expect(difference < 0.05 * range, "\(label): max |Δlogit| = \(difference) over a range of \(range)")
    }

    /// The fixture converted to bfloat16 and loaded twice as `M`, with float32 and with bfloat16 activations, for
    /// `body`; the temporary zoos are removed after it.
    func withBothWays<M>(_ name: String, as type: M.Type, _ body: (_ float32: M, _ bfloat16: M) throws -> Void) throws {
        let (plain, first) = try convertedFixture(name, dtype: .bfloat16)
        defer { try? FileManager.default.removeItem(at: first) }
        let (rounded, second) = try convertedFixture(name, dtype: .bfloat16, options: LoadOptions(bf16Activations: true))
        defer { try? FileManager.default.removeItem(at: second) }
        try body(try #require(plain.model as? M), try #require(rounded.model as? M))
    }

    @Test(arguments: EncoderFixtures.masked)
    func encoderLogitsStayClose(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        try withBothWays(name, as: (any MaskedLanguageModel).self) { plain, rounded in
            for testCase in expected.cases {
                guard let reference = testCase.logits?.flatMap({ $0 }) else { continue }
                let input = EncoderInput(sequences: [testCase.input_ids], padding: rounded.paddingTokenID)
                let logits = rounded.logits(input).toArray()
                expectClose(logits, reference, "\(name) \"\(testCase.text)\"")
                #expect(logits != plain.logits(input).toArray(), "\(name): the activations were rounded")
            }
        }
    }

    /// A padded batch of the texts, repeated until it has 128 rows or more, runs the weight panels rather than the
    /// dot-product tiles: its mean-pooled embeddings stay within 0.02 of transformers' (unit vectors; within 1e-4 in
    /// float32).
    @Test(arguments: EncoderFixtures.masked)
    func encoderBatchOfManyRowsStaysClose(model name: String) throws {
        let expected = try EncoderExpectedOutputs.load(name)
        let texts = expected.cases.map(\.input_ids), longest = texts.map(\.count).max()!
        let copies = (Int(ZOO_BF16_DOT_ROWS) + texts.count * longest - 1) / (texts.count * longest)
        let batch = Array(repeating: texts, count: copies).flatMap { $0 }
        #expect(batch.count * longest >= Int(ZOO_BF16_DOT_ROWS))
        let reference = Array(repeating: expected.embeddings_mean_normalized, count: copies).flatMap { $0 }
        try withBothWays(name, as: (any EncoderModel).self) { plain, rounded in
            let embeddings = rounded.embeddings(of: batch, pooling: .mean, normalize: true)
            let difference = maxAbsDifference(embeddings.flatMap { $0 }, reference.flatMap { $0 })
            #expect(difference < 0.02, "\(name): max |Δ| of mean-pooled embeddings = \(difference)")
            #expect(embeddings != plain.embeddings(of: batch, pooling: .mean, normalize: true),
                    "the activations were rounded")
        }
    }

    @Test func decoderPromptLogitsStayClose() throws {
        let expected = try ExpectedOutputs.load("tiny-gpt2")
        let ids = expected.cases[0].prompt_ids
        try withBothWays("tiny-gpt2", as: (any CausalLanguageModel).self) { plain, rounded in
            let logits = rounded.forward(ids, cache: rounded.makeCache(capacity: 64), allPositions: true).toArray()
            expectClose(logits, expected.cases[0].logits.flatMap { $0 }, "tiny-gpt2")
            #expect(logits != plain.forward(ids, cache: plain.makeCache(capacity: 64), allPositions: true).toArray())
        }
    }

    @Test(arguments: Seq2SeqFixtures.all)
    func encoderDecoderLogitsStayClose(model name: String) throws {
        let testCase = try #require(try Seq2SeqExpectedOutputs.load(name).cases.first)
        func logits(_ model: any SequenceToSequenceModel) -> [Float] {
            let state = model.makeDecoderState(for: model.encode(testCase.input_ids), capacity: testCase.decoder_input_ids.count)
            return model.decode(testCase.decoder_input_ids, state: state, allPositions: true).toArray()
        }
        try withBothWays(name, as: (any SequenceToSequenceModel).self) { plain, rounded in
            let found = logits(rounded)
            expectClose(found, testCase.logits.flatMap { $0 }, name)
            #expect(found != logits(plain), "\(name): the activations were rounded")
        }
    }
}
