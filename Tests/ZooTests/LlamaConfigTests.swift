import Foundation
import Testing
import ZooModels

/// Reading LlamaConfig: both spellings of the rotary settings, defaults, and clear refusals.
@Suite struct LlamaConfigTests {
    let base: [String: Any] = [
        "model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
        "num_attention_heads": 2,
    ]

    func llama(_ changes: [String: Any]) throws(ModelError) -> Llama {
        let object = base.merging(changes) { $1 }
        let data = try! JSONSerialization.data(withJSONObject: object)
        return try Llama(config: ModelConfig(data: data, path: "config.json"))
    }

    func error(_ changes: [String: Any]) -> String {
        do {
            _ = try llama(changes)
            return ""
        } catch {
            return error.description
        }
    }

    @Test func defaultsAreLlamaConfigs() throws {
        let model = try llama([:])
        // Two heads of 4, as many key/value heads, a separate output head, no biases.
        #expect(model.tensorShapes["blocks.0.attn.k.weight"] == [8, 8])
        #expect(model.tensorShapes["lm_head.weight"] == [10, 8])
        #expect(model.tensorShapes["blocks.0.attn.q.bias"] == nil)
    }

    @Test func bothSpellingsOfTheRotarySettingsAreRead() throws {
        _ = try llama(["rope_theta": 500000, "rope_scaling": NSNull()])
        _ = try llama(["rope_parameters": ["rope_type": "default", "rope_theta": 500000]])
        _ = try llama(["rope_scaling": ["type": "default"]])
    }

    @Test func otherRotaryScalingsAreRefusedByName() {
        let message = error(["rope_scaling": ["rope_type": "llama3", "factor": 8.0]])
        #expect(message.contains("config.json") && message.contains("rope_scaling") && message.contains("\"llama3\""))
        #expect(error(["rope_parameters": ["rope_type": "yarn", "rope_theta": 10000]]).contains("\"yarn\""))
    }

    @Test func headCountsMustFit() {
        #expect(error(["num_key_value_heads": 3]).contains("num_key_value_heads"))
        #expect(error(["num_attention_heads": 3]).contains("head_dim is not given"))
        #expect(error(["head_dim": 3]).contains("even"))
        #expect(error(["hidden_act": "tanh"]).contains("\"tanh\""))
    }

    @Test func anExplicitHeadDimensionSetsTheProjectionShapes() throws {
        let model = try llama(["head_dim": 6, "num_key_value_heads": 1, "tie_word_embeddings": true])
        #expect(model.tensorShapes["blocks.0.attn.q.weight"] == [12, 8])
        #expect(model.tensorShapes["blocks.0.attn.k.weight"] == [6, 8])
        #expect(model.tensorShapes["blocks.0.attn.out.weight"] == [8, 12])
        #expect(model.tensorShapes["lm_head.weight"] == nil)
        #expect(model.importRule(forHuggingFaceName: "lm_head.weight") == .skip("tied to the token embedding"))
        #expect(model.importRule(forHuggingFaceName: "model.layers.0.self_attn.rotary_emb.inv_freq")
                    == .skip("a buffer recomputed from rope_theta"))
        #expect(model.importRule(forHuggingFaceName: "model.layers.1.mlp.up_proj.weight") == .unknown)
    }
}
