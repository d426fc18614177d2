import Foundation
import Testing
import ZooModels
@testable import Zoo

/// Encoder-decoder input Zoo refuses, each with an error that says what is wrong.
@Suite struct Seq2SeqBadInputTests {
    func expectError(containing text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error; expected one containing \"\(text)\"")
        } catch {
            #expect("\(error)".contains(text), "\(error)")
        }
    }

    @Test func aTextLongerThanBARTsPositions() throws {
        let (loaded, folder) = try convertedFixture("tiny-bart")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipeline = try loaded.textToText()
        expectError(containing: "takes at most 64") {
            _ = try pipeline(String(repeating: "the lighthouse keeper ", count: 40))
        }
    }

    @Test func anInputLongerThanT5sConfiguredLength() throws {
        // T5 has no position table; the config's n_positions is its limit.
        let (bart, folder) = try convertedFixture("tiny-bart")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try sequenceToSequenceOfFixture("tiny-t5")
        #expect(model.maxInputLength == 64)
        let pipeline = TextToTextPipeline(model: model, tokenizer: bart.tokenizer, name: "tiny-t5",
                                          settings: try SearchSettings(folder: fixture("tiny-t5")))
        expectError(containing: "65 tokens but tiny-t5's encoder takes at most 64") {
            _ = try pipeline.generate(inputIDs: Array(repeating: 5, count: 65))
        }
        // Without n_positions, a T5 takes any length.
        #expect(try sequenceToSequenceOfFixture("tiny-t5-v1_1").maxInputLength == nil)
    }

    @Test func zeroBeams() throws {
        let (loaded, folder) = try convertedFixture("tiny-bart")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectError(containing: "--num-beams must be at least 1") {
            _ = try loaded.textToText()("cats", options: TextToTextOptions(numBeams: 0))
        }
        expectError(containing: "runs with one beam") {
            _ = try loaded.textToText()("cats", options: TextToTextOptions(
                numBeams: 2, sampling: GenerationOptions(temperature: 1)))
        }
    }

    @Test func aT5ConfigWithAnUnknownFeedForward() throws {
        var config = try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixture("tiny-t5/config.json"))) as! [String: Any]
        for projection in ["gated-swoosh", "swoosh", "gated-gelu-extra", "double-gelu"] {
            config["feed_forward_proj"] = projection
            let data = try JSONSerialization.data(withJSONObject: config)
            expectError(containing: "config.json: unsupported feed_forward_proj \"\(projection)\"") {
                _ = try Architectures.instantiate(try ModelConfig(data: data, path: "config.json"))
            }
        }
        config["feed_forward_proj"] = "gated-silu"
        let gated = try Architectures.instantiate(
            try ModelConfig(data: try JSONSerialization.data(withJSONObject: config), path: "config.json"))
        #expect(gated.tensorShapes["encoder.blocks.0.mlp.gate.weight"] != nil)
    }

    @Test(arguments: ["tiny-gpt2", "tiny-roberta"])
    func aModelThatIsNotAnEncoderDecoder(name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(!loaded.commands.contains("text2text"))
        expectError(containing: "which does not turn text into text: it serves only zoo ") {
            _ = try loaded.textToText()
        }
    }

    @Test func aCheckpointMissingACrossAttentionWeight() throws {
        let folder = try copyOfFixture("tiny-bart", tensors: { tensors in
            tensors.removeAll { $0.name == "model.decoder.layers.1.encoder_attn.k_proj.weight" }
        })
        defer { try? FileManager.default.removeItem(at: folder) }
        let zoo = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: zoo) }
        expectError(containing: "missing tensor for \"decoder.blocks.1.cross_attn.k.weight\"") {
            try Converter(zoo: ModelZoo(folders: [zoo])).convert(folder, options: .init(name: "m"))
        }
    }
}
