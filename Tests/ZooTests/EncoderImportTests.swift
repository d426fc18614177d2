import Foundation
import Testing
import ZooModels
@testable import Zoo

/// How the encoder plugins read configs and map Hugging Face checkpoints, without tokenizers.
@Suite struct EncoderImportTests {
    func architecture(_ fixtureName: String, editing edit: (inout [String: Any]) -> Void = { _ in }) throws -> any Architecture {
        var config = try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixture(fixtureName).appendingPathComponent("config.json"))) as! [String: Any]
        edit(&config)
        let data = try JSONSerialization.data(withJSONObject: config)
        return try Architectures.instantiate(try ModelConfig(data: data, path: "\(fixtureName)/config.json"))
    }

    func importError(_ source: URL) -> String {
        do {
            let architecture = try Architectures.instantiate(try ModelConfig(contentsOf: source.appendingPathComponent("config.json")))
            _ = try ImportPlan(checkpoint: try CheckpointSources.open(folder: source), architecture: architecture)
            Issue.record("the import plan was made")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func everyPluginIsRegistered() {
        #expect(Architectures.plugin(for: "bert") == BERT.self)
        #expect(Architectures.plugin(for: "roberta") == RoBERTa.self)
        #expect(Architectures.plugin(for: "distilbert") == DistilBERT.self)
    }

    @Test func thePoolerAndTheNextSentenceHeadAreSkippedWithAReason() throws {
        let bert = try architecture("tiny-bert-legacy")
        for name in ["bert.pooler.dense.weight", "pooler.dense.bias", "cls.seq_relationship.weight",
                     "cls.predictions.decoder.bias", "cls.predictions.decoder.weight", "bert.embeddings.position_ids"] {
            guard case .skip(let reason) = bert.importRule(forHuggingFaceName: name) else {
                Issue.record("\(name) is not skipped")
                continue
            }
            #expect(!reason.isEmpty)
        }
        #expect(bert.importRule(forHuggingFaceName: "bert.encoder.layer.1.attention.self.query.weight") == .tensor("blocks.1.attn.query.weight", .none))
        #expect(bert.importRule(forHuggingFaceName: "encoder.layer.0.output.LayerNorm.bias") == .tensor("blocks.0.norm2.bias", .none))
        #expect(bert.importRule(forHuggingFaceName: "bert.encoder.layer.2.output.dense.weight") == .unknown, "the config has 2 layers")
        #expect(bert.importRule(forHuggingFaceName: "bert.encoder.layer.0.attention.self.rotary.weight") == .unknown)
        #expect(bert.importRule(forHuggingFaceName: "classifier.weight") == .unknown)
    }

    @Test func robertaAndDistilBertNames() throws {
        let roberta = try architecture("tiny-roberta")
        #expect(roberta.importRule(forHuggingFaceName: "lm_head.layer_norm.weight") == .tensor("mlm_head.norm.weight", .none))
        #expect(roberta.importRule(forHuggingFaceName: "roberta.embeddings.token_type_embeddings.weight") == .tensor("token_type_embedding.weight", .none))
        let distilbert = try architecture("tiny-distilbert")
        #expect(distilbert.importRule(forHuggingFaceName: "distilbert.transformer.layer.1.attention.q_lin.bias") == .tensor("blocks.1.attn.query.bias", .none))
        #expect(distilbert.importRule(forHuggingFaceName: "vocab_projector.bias") == .tensor("mlm_head.bias", .none))
        #expect(distilbert.tensorShapes["token_type_embedding.weight"] == nil)
    }

    @Test func anUntiedDecoderIsStored() throws {
        let bert = try architecture("tiny-bert") { $0["tie_word_embeddings"] = false }
        #expect(bert.importRule(forHuggingFaceName: "cls.predictions.decoder.weight") == .tensor("mlm_head.decoder.weight", .none))
        #expect(bert.tensorShapes["mlm_head.decoder.weight"] == [600, 32])
    }

    @Test func theConfigsArchitecturesSayWhetherTheHeadIsThere() throws {
        #expect(try architecture("tiny-bert").tensorShapes["mlm_head.bias"] == [600])
        #expect(try architecture("tiny-bert-legacy").tensorShapes["mlm_head.bias"] == [600])
        #expect(try architecture("tiny-bert-encoder").tensorShapes["mlm_head.bias"] == nil)
        #expect(try architecture("tiny-bert") { $0["architectures"] = nil }.tensorShapes["mlm_head.bias"] == nil)

        // A head the config does not announce, and an announced head that is missing, are named.
        let unannounced = try copyOfFixture("tiny-bert", tensors: { _ in }, config: { $0["architectures"] = ["BertModel"] })
        defer { try? FileManager.default.removeItem(at: unannounced) }
        #expect(importError(unannounced).contains("cls.predictions.bias\": this configuration has no \"mlm_head.bias"))
        let missing = try copyOfFixture("tiny-distilbert", tensors: { $0.removeAll { $0.name.hasPrefix("vocab_") } })
        defer { try? FileManager.default.removeItem(at: missing) }
        #expect(importError(missing).contains("missing tensor for \"mlm_head.bias\""))
    }

    @Test func unsupportedConfigurationsAreRefused() {
        func error(_ edit: (inout [String: Any]) -> Void) -> String {
            do {
                _ = try architecture("tiny-bert", editing: edit)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(error { $0["position_embedding_type"] = "relative_key" }.contains("position_embedding_type \"relative_key\""))
        #expect(error { $0["is_decoder"] = true }.contains("is_decoder"))
        #expect(error { $0["hidden_act"] = "mish" }.contains("unsupported activation \"mish\""))
        #expect(error { $0["num_attention_heads"] = 5 }.contains("multiple of the head count"))
        #expect(error { $0["pad_token_id"] = 600 }.contains("pad_token_id 600"))
    }
}
