import Foundation
import ZooFormats

/// The Hugging Face LlamaConfig (config.json) that a GGUF file of `general.architecture = llama` describes in its
/// metadata, written as transformers 4 writes it (`rope_theta`, `rope_scaling`), the spelling most published Llama
/// checkpoints use.
enum GGUFLlamaConfig {
    /// The config's text, and what the rest of the import needs from it.
    static func make(_ file: GGUFFile) throws -> (json: Data, heads: Int, keyValueHeads: Int, contextLength: Int) {
        let metadata = file.metadata
        func integer(_ key: String) throws -> Int { try metadata.integer("llama." + key) }
        func optionalInteger(_ key: String) throws -> Int? {
            metadata.contains("llama." + key) ? try integer(key) : nil
        }
        if let experts = try optionalInteger("expert_count"), experts > 0 {
            throw ZooError(path: file.url.path, "llama.expert_count is \(experts): mixture-of-experts models are not supported")
        }
        if metadata.contains("llama.rope.scaling.type") {
            let scaling = try metadata.string("llama.rope.scaling.type")
            guard scaling == "none" else {
                throw ZooError(path: file.url.path, "llama.rope.scaling.type is \"\(scaling)\": only unscaled rotary embeddings are supported")
            }
        }
        let width = try integer("embedding_length")
        let heads = try integer("attention.head_count")
        let keyValueHeads = try optionalInteger("attention.head_count_kv") ?? heads
        guard heads > 0 else { throw ZooError(path: file.url.path, "llama.attention.head_count must be positive") }
        let headDim = try optionalInteger("attention.key_length") ?? optionalInteger("rope.dimension_count") ?? width / heads
        if let rotary = try optionalInteger("rope.dimension_count"), rotary != headDim {
            throw ZooError(path: file.url.path, "llama.rope.dimension_count (\(rotary)) is not the head dimension (\(headDim)): partial rotary embeddings are not supported")
        }
        let vocabularySize = try optionalInteger("vocab_size") ?? metadata.strings("tokenizer.ggml.tokens").count
        let contextLength = try optionalInteger("context_length") ?? 2048
        let names = Set(file.names)
        var entries: [(String, JSONText.Value)] = [
            ("architectures", .strings(["LlamaForCausalLM"])),
            ("model_type", .string("llama")),
            ("vocab_size", .integer(vocabularySize)),
            ("hidden_size", .integer(width)),
            ("intermediate_size", .integer(try integer("feed_forward_length"))),
            ("num_hidden_layers", .integer(try integer("block_count"))),
            ("num_attention_heads", .integer(heads)),
            ("num_key_value_heads", .integer(keyValueHeads)),
            ("head_dim", .integer(headDim)),
            ("hidden_act", .string("silu")),
            ("max_position_embeddings", .integer(contextLength)),
            ("rms_norm_eps", .float(Float(try metadata.float("llama.attention.layer_norm_rms_epsilon")))),
            ("rope_theta", .float(metadata.contains("llama.rope.freq_base") ? Float(try metadata.float("llama.rope.freq_base")) : 10_000)),
            ("rope_scaling", .null),
            ("attention_bias", .bool(names.contains("blk.0.attn_q.bias"))),
            ("mlp_bias", .bool(names.contains("blk.0.ffn_up.bias"))),
            // llama.cpp stores the output head only when it is not the token embedding.
            ("tie_word_embeddings", .bool(!names.contains("output.weight"))),
        ]
        for (key, name) in [("bos_token_id", "bos_token_id"), ("eos_token_id", "eos_token_id"), ("pad_token_id", "padding_token_id")] {
            let metadataKey = "tokenizer.ggml." + name
            if metadata.contains(metadataKey) { entries.append((key, .integer(try metadata.integer(metadataKey)))) }
        }
        return (Data(JSONText.object(entries).utf8), heads, keyValueHeads, contextLength)
    }
}
