import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

private let realGGUF: URL? = {
    let url = formatsFolder.deletingLastPathComponent()
        .appendingPathComponent("Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

/// The real SmolLM2-135M-Instruct Q4_1 GGUF (written by llama.cpp's converter, not by the Python package that writes
/// the fixtures), when Tools/fetch-real-models.sh has fetched it into Tools/.cache; skipped otherwise.
@Suite(.enabled(if: realGGUF != nil,
                "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run Tools/fetch-real-models.sh"))
struct GGUFRealFileTests {

    @Test func readsTheHeaderAsTheIssueDescribesIt() throws {
        let file = try GGUFFile(contentsOf: try #require(realGGUF))
        let metadata = file.metadata
        #expect(file.version == 3 && file.alignment == 32)
        #expect(try metadata.string("general.architecture") == "llama")
        let integers = ["llama.block_count": 30, "llama.embedding_length": 576, "llama.attention.head_count": 9,
                        "llama.attention.head_count_kv": 3, "llama.feed_forward_length": 1536,
                        "tokenizer.ggml.bos_token_id": 1, "tokenizer.ggml.eos_token_id": 2]
        for (key, value) in integers { #expect(try metadata.integer(key) == value, "\(key)") }
        #expect(try metadata.float("llama.rope.freq_base") == 100_000)
        #expect(try metadata.string("tokenizer.ggml.model") == "gpt2")
        #expect(try metadata.string("tokenizer.ggml.pre") == "smollm")
        #expect(try metadata.strings("tokenizer.ggml.tokens").count == 49152)
        #expect(try metadata.integers("tokenizer.ggml.token_type").count == 49152)
        #expect(try metadata.string("tokenizer.chat_template").contains("<|im_start|>"))

        let types = Dictionary(grouping: file.names) { file.info($0)!.type.name }.mapValues(\.count)
        #expect(types["Q4_1"] == 210 && types["Q8_0"] == 1 && types.keys.sorted() == ["F32", "Q4_1", "Q8_0"])
        #expect(file.info("token_embd.weight")?.shape == [49152, 576] && file.info("token_embd.weight")?.type == .q8_0)
        #expect(file.info("blk.0.ffn_down.weight")?.shape == [576, 1536])
        #expect(file.info("blk.0.attn_k.weight")?.shape == [192, 576])
        #expect(file.info("output_norm.weight")?.shape == [576])
    }

    /// Rows decoded alone (as an embedding lookup does) equal the same rows of the whole tensor decoded.
    @Test func quantizedTensorsDecodeConsistently() throws {
        let file = try GGUFFile(contentsOf: try #require(realGGUF))
        let embedding = try file.tensor("token_embd.weight")
        #expect(embedding.dtype == .q8_0)
        let ids = [0, 1, 2, 12_345, 49_151]
        let whole = try file.dequantized("token_embd.weight")
        #expect(embeddingLookup(embedding, ids: ids).toArray() == ids.flatMap { whole.row($0).toArray() })
        let down = try file.dequantized("blk.29.ffn_down.weight").toArray()
        #expect(down.allSatisfy(\.isFinite) && down.contains { $0 != 0 })
    }
}
