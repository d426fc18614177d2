import Foundation
import Testing
import ZooModels
@testable import Zoo

/// The attention maps Tools/make_attention_fixtures.py recorded with transformers (output_attentions, eager).
struct AttentionExpectedOutputs: Decodable {
    struct Case: Decodable {
        let texts: [String]
        /// Per sequence, without padding.
        let input_ids: [[Int]]
        /// [sequence][layer][head][query][key]; an encoder-decoder's encoder.
        let attentions: [[[[[Float]]]]]
        /// An encoder-decoder's decoder input (its start token, then the target's tokens) and target text.
        let target: String?
        let decoder_input_ids: [Int]?
        /// An encoder-decoder's decoder self-attention and cross-attention, as `attentions`.
        let decoder_attentions: [[[[[Float]]]]]?
        let cross_attentions: [[[[[Float]]]]]?
    }

    struct Model: Decodable {
        let model: String
        let cases: [Case]
    }

    let tolerance: Float
    let models: [Model]

    static let all = try! load("attention.expected.json")

    static func load(_ file: String) throws -> AttentionExpectedOutputs {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: fixture(file)))
    }

    static func cases(of name: String) -> [Case] { all.models.first { $0.model == name }!.cases }
}

/// Every row of every map sums to 1, within `tolerance`.
func expectRowsSumToOne(_ maps: AttentionMaps, tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    for layer in 0..<maps.layers {
        for head in 0..<maps.heads {
            for query in 0..<maps.queries {
                let sum = (0..<maps.keys).reduce(Float(0)) { $0 + maps[layer, head, query, $1] }
                #expect(abs(sum - 1) <= tolerance, "layer \(layer) head \(head) row \(query) sums to \(sum)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}

/// `maps` against one sequence's recorded [layer][head][query][key] within `tolerance`, and its rows sum to 1.
func expectAttention(_ maps: AttentionMaps, equal reference: [[[[Float]]]], within tolerance: Float, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(maps.layers == reference.count && maps.heads == reference[0].count, sourceLocation: sourceLocation)
    #expect(maps.queries == reference[0][0].count && maps.keys == reference[0][0][0].count,
            sourceLocation: sourceLocation)
    let difference = maxAbsDifference(maps.values, reference.flatMap { $0.flatMap { $0.flatMap { $0 } } })
    #expect(difference <= tolerance, "\(what): max |Δp| = \(difference)", sourceLocation: sourceLocation)
    expectRowsSumToOne(maps, sourceLocation: sourceLocation)
}

/// Nothing above the diagonal of a causal attention's maps, exactly.
func expectCausal(_ maps: AttentionMaps, sourceLocation: SourceLocation = #_sourceLocation) {
    for layer in 0..<maps.layers {
        for head in 0..<maps.heads {
            for query in 0..<maps.queries {
                #expect(((query + 1)..<maps.keys).allSatisfy { maps[layer, head, query, $0] == 0 },
                        "layer \(layer) head \(head) row \(query)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// Zoo's attention maps against transformers' on the tiny fixtures, converted through the zoo as a user would:
/// every layer and head, max abs difference within the recorded tolerance (1e-5).
@Suite struct AttentionParityTests {
    static let decoders = ["tiny-gpt2", "tiny-llama", "tiny-llama-tied-bf16"]
    static let encoders = ["tiny-bert", "tiny-roberta", "tiny-distilbert"]
    static let encoderDecoders = ["tiny-bart", "tiny-t5"]
    let tolerance = AttentionExpectedOutputs.all.tolerance

    @Test(arguments: decoders)
    func decoderMapsMatchTransformers(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any AttentionInspectable)
        let cases = AttentionExpectedOutputs.cases(of: name)
        #expect(cases.count == 2)
        for testCase in cases {
            let ids = testCase.input_ids[0]
            #expect(loaded.tokenizer.encode(testCase.texts[0]) == ids)
            let maps = model.selfAttention(ids)
            #expect(maps.queries == ids.count && maps.keys == ids.count)
            expectAttention(maps, equal: testCase.attentions[0], within: tolerance, "\(name) \"\(testCase.texts[0])\"")
            expectCausal(maps)
        }
    }

    @Test(arguments: encoders)
    func encoderMapsOfAPaddedBatchMatchTransformers(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any EncoderAttentionInspectable)
        let testCase = try #require(AttentionExpectedOutputs.cases(of: name).first)
        let sequences = testCase.input_ids
        #expect(sequences.count == 2 && sequences[0].count != sequences[1].count, "a batch that needs padding")
        for (text, ids) in zip(testCase.texts, sequences) { #expect(loaded.tokenizer.encode(text) == ids) }
        let all = model.attention(EncoderInput(sequences: sequences, padding: model.paddingTokenID))
        #expect(all.count == 2)
        for (b, maps) in all.enumerated() {
            let length = sequences.map(\.count).max()!
            #expect(maps.queries == length && maps.keys == length)
            expectAttention(maps, equal: testCase.attentions[b], within: tolerance, "\(name) sequence \(b)")
            // Padding keys get nothing.
            for key in sequences[b].count..<length {
                #expect((0..<maps.layers).allSatisfy { l in (0..<maps.heads).allSatisfy { h in
                    (0..<length).allSatisfy { maps[l, h, $0, key] == 0 } } })
            }
        }
        // One sequence alone gives the maps of its unpadded rows and columns.
        let alone = model.selfAttention(sequences[0])
        #expect(alone.queries == sequences[0].count)
        let reference = testCase.attentions[0]
        let n = sequences[0].count
        let unpadded = reference.flatMap { $0.flatMap { $0.prefix(n).flatMap { $0.prefix(n) } } }
        #expect(maxAbsDifference(alone.values, unpadded) <= tolerance)
    }

    @Test(arguments: encoderDecoders)
    func encoderDecoderMapsMatchTransformers(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CrossAttentionInspectable)
        let testCase = try #require(AttentionExpectedOutputs.cases(of: name).first)
        let source = testCase.input_ids[0], target = try #require(testCase.decoder_input_ids)
        #expect(loaded.tokenizer.encode(testCase.texts[0]) == source)
        let maps = model.attention(source: source, target: target)
        expectAttention(maps.encoder, equal: testCase.attentions[0], within: tolerance, "\(name) encoder")
        expectAttention(maps.decoder, equal: try #require(testCase.decoder_attentions)[0], within: tolerance,
                        "\(name) decoder")
        expectAttention(maps.cross, equal: try #require(testCase.cross_attentions)[0], within: tolerance,
                        "\(name) cross")
        #expect(maps.cross.queries == target.count && maps.cross.keys == source.count)
        expectCausal(maps.decoder)
        #expect(model.selfAttention(source) == maps.encoder)
        // The pipeline's views: the decoder's input is the start token, then the target's tokens.
        let views = try loaded.attention(of: testCase.texts[0], target: testCase.target).views
        #expect(views.map(\.kind) == [.encoder, .decoder, .cross])
        #expect(views[2].maps == maps.cross && views[2].queryLabels.count == target.count)
    }

    @Test func recordingLeavesTheLogitsAsTheyAre() throws {
        let (loaded, folder) = try convertedFixture("tiny-gpt2")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel & AttentionInspectable)
        let ids = [5, 17, 42, 99, 3]
        let before = model.forward(ids, cache: model.makeCache(capacity: 5), allPositions: true).toArray()
        _ = model.selfAttention(ids)
        let after = model.forward(ids, cache: model.makeCache(capacity: 5), allPositions: true).toArray()
        #expect(before == after)
    }
}
