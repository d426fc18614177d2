import Foundation
import Testing
import ZooModels
@testable import Zoo

/// BART's and T5's attention maps: the encoder's, the decoder's causal self-attention and the cross-attention, as
/// probabilities recorded from the same queries and keys the forward pass uses.
@Suite struct Seq2SeqAttentionTests {
    @Test(arguments: Seq2SeqFixtures.all)
    func mapsOfEachStack(model name: String) throws {
        let model = try #require(try sequenceToSequenceOfFixture(name) as? any CrossAttentionInspectable)
        let testCase = try Seq2SeqExpectedOutputs.load(name).cases[1]
        let source = testCase.input_ids, target = testCase.decoder_input_ids
        let maps = model.attention(source: source, target: target)
        #expect(maps.encoder.queries == source.count && maps.encoder.keys == source.count)
        #expect(maps.decoder.queries == target.count && maps.decoder.keys == target.count)
        #expect(maps.cross.queries == target.count && maps.cross.keys == source.count)
        #expect(model.selfAttention(source) == maps.encoder)
        for stack in [maps.encoder, maps.decoder, maps.cross] {
            for layer in 0..<stack.layers {
                for head in 0..<stack.heads {
                    for query in 0..<stack.queries {
                        let row = (0..<stack.keys).map { stack[layer, head, query, $0] }
                        #expect(abs(row.reduce(0, +) - 1) < 1e-5)
                        if stack == maps.decoder { #expect(row[(query + 1)...].allSatisfy { $0 == 0 }) }
                    }
                }
            }
        }
    }
}
