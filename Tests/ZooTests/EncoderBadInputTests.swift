import Foundation
import Testing
import ZooModels
@testable import Zoo

/// Bad input to the encoder pipelines: each is one clear error.
@Suite struct EncoderBadInputTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    func load(_ source: URL, name: String = "m") throws -> LoadedModel {
        try Converter(zoo: zoo).convert(source, options: .init(name: name))
        return try zoo.model(named: name).load()
    }

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            Issue.record("no error")
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// The fixture's texts repeated past the 64 tokens that tiny-roberta takes.
    let longText = String(repeating: "the lighthouse keeper woke before dawn ", count: 12)

    @Test func aFillMaskTextWithoutTheMaskTokenNamesIt() throws {
        let fill = try load(fixture("tiny-roberta")).fillMask()
        #expect(message { _ = try fill("No mask here.") } == "the text has no mask token: mark what m is to fill with <mask>")
        // BERT's mask token is plain text to RoBERTa.
        #expect(message { _ = try fill("The capital of France is [MASK].") }.contains("<mask>"))
    }

    @Test func aTextLongerThanTheModelTakesIsAnErrorUnlessTruncationIsAsked() throws {
        let loaded = try load(fixture("tiny-roberta"))
        let embed = try loaded.embedder(), fill = try loaded.fillMask()
        #expect(loaded.tokenizer.encode(longText).count > 64)
        #expect(message { _ = try embed([longText]) }.contains("takes at most 64"))
        #expect(message { _ = try fill("<mask> " + longText) }.contains("takes at most 64"))

        let texts = EncoderTexts(tokenizer: loaded.tokenizer, maxLength: 64, name: "m")
        let cut = try texts.ids(of: longText, truncate: true)
        let full = loaded.tokenizer.encode(longText)
        // transformers' truncation: the text's tokens cut at the end, <s> and </s> kept.
        #expect(cut == Array(full.prefix(63)) + [full.last!])
        #expect(try embed([longText], truncate: true).count == 1)
        #expect(try fill("<mask> " + longText, truncate: true).count == 1)
        #expect(message { _ = try fill(longText + " <mask>", truncate: true) }.contains("no mask token left after truncation to the 64 tokens m takes"))
    }

    @Test func aTokenizerLargerThanTheEmbeddingTableIsRefusedAtLoad() throws {
        // tiny-roberta with its vocabulary cut to 500 rows; its tokenizer still has 600 tokens.
        let source = try copyOfFixture("tiny-roberta", tensors: { tensors in
            for i in tensors.indices where tensors[i].shape.first == 600 {
                tensors[i].shape[0] = 500
                tensors[i].values = Array(tensors[i].values.prefix(tensors[i].values.count / 600 * 500))
            }
        }, config: { $0["vocab_size"] = 500 })
        defer { try? FileManager.default.removeItem(at: source) }
        try Converter(zoo: zoo).convert(source, options: .init(name: "m"))
        let error = message { _ = try zoo.model(named: "m").load() }
        #expect(error.contains("the tokenizer gives ids up to 599 but the model's embedding table has only 500 rows"))
    }

    @Test func anEncoderAskedToGenerateSaysWhichCommandsItServes() throws {
        let loaded = try load(fixture("tiny-roberta"))
        #expect(loaded.commands == ["fill-mask", "embed", "similarity"])
        let error = message { _ = try loaded.textGenerator() }
        #expect(error == "m is a roberta model, which does not generate text: it serves only zoo fill-mask, zoo embed, zoo similarity")
    }

    @Test func anEncoderWithoutAHeadDoesNotFillMasks() throws {
        // tiny-roberta saved as a RobertaModel: no lm_head.
        let source = try copyOfFixture("tiny-roberta", tensors: { tensors in
            tensors.removeAll { $0.name.hasPrefix("lm_head.") }
        }, config: { $0["architectures"] = ["RobertaModel"] })
        defer { try? FileManager.default.removeItem(at: source) }
        let loaded = try load(source)
        #expect(loaded.commands == ["embed", "similarity"])
        #expect(message { _ = try loaded.fillMask() }.contains("does not fill masks: it serves only zoo embed, zoo similarity"))
        #expect(try loaded.embedder()(["a text"]).count == 1)
    }

    @Test func aDecoderAskedToEmbedSaysWhatItServes() throws {
        let loaded = try load(fixture("tiny-gpt2"))
        #expect(message { _ = try loaded.embedder() }.contains("does not embed texts: it serves only zoo generate"))
        #expect(message { _ = try loaded.fillMask() }.contains("does not fill masks: it serves only zoo generate"))
    }

    @Test func topKMustBePositive() throws {
        let fill = try load(fixture("tiny-roberta")).fillMask()
        #expect(message { _ = try fill("a <mask>", topK: 0) }.contains("top-k"))
    }
}
