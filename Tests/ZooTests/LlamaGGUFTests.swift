import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// GGUF import against transformers reading the same files (Tools/make_llama_fixtures.py): tiny-llama written as
/// llama.cpp writes a GGUF (q and k rows in llama.cpp's rotary order), in float32 and with every matrix in Q8_0.
@Suite struct LlamaGGUFTests {
    @Test func aFloat32GGUFGivesWhatTheFolderItCameFromGives() throws {
        // transformers gives the same outputs for the file and the folder, so the folder's are the reference.
        let expected = try ExpectedOutputs.load("tiny-llama")
        let (loaded, folder) = try convertedFixture("tiny-llama.f32.gguf")
        defer { try? FileManager.default.removeItem(at: folder) }
        try expectLogits(of: loaded, match: expected)
        try expectGreedyGeneration(of: loaded, matches: expected)
    }

    @Test func aQ8_0GGUFStaysQuantizedAndMatchesTransformers() throws {
        let expected = try ExpectedOutputs.load("tiny-llama.q8_0")
        let (loaded, folder) = try convertedFixture("tiny-llama.q8_0.gguf")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try ZooWeights(contentsOf: folder.appendingPathComponent("m/weights.h5"))
        #expect(weights.info("blocks.0.attn.q.weight")?.dtype == .q8_0)
        #expect(weights.info("token_embedding.weight")?.dtype == .q8_0)
        #expect(weights.info("blocks.0.norm1.weight")?.dtype == .float32)
        #expect(try ModelZoo(folders: [folder]).model(named: "m").metadata().dtype == "q8_0")
        try expectLogits(of: loaded, match: expected)
        try expectGreedyGeneration(of: loaded, matches: expected)
    }

    @Test func aQ8_0GGUFConvertedToFloat32MatchesTransformers() throws {
        let expected = try ExpectedOutputs.load("tiny-llama.q8_0")
        let (loaded, folder) = try convertedFixture("tiny-llama.q8_0.gguf", dtype: .float32)
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try ZooWeights(contentsOf: folder.appendingPathComponent("m/weights.h5"))
        #expect(weights.names.allSatisfy { weights.info($0)?.dtype == .float32 })
        try expectLogits(of: loaded, match: expected)
        try expectGreedyGeneration(of: loaded, matches: expected)
    }

    @Test func theConfigTokenizerAndChatTemplateComeFromTheMetadata() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stored = try Converter(zoo: ModelZoo(folders: [folder])).convert(fixture("tiny-llama.f32.gguf"),
                                                                             options: .init(name: "m"))
        func object(_ url: URL) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        }
        let written = try object(stored.folder.appendingPathComponent("config.json"))
        let original = try object(fixture("tiny-llama/config.json"))
        for key in ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                    "num_key_value_heads", "head_dim", "max_position_embeddings", "tie_word_embeddings",
                    "bos_token_id", "eos_token_id", "rope_theta", "rms_norm_eps", "model_type"] {
            #expect("\(written[key]!)" == "\(original[key]!)", "\(key)")
        }
        let metadata = try stored.metadata()
        #expect(metadata.source.format == "gguf" && metadata.source.files[0].path == "tiny-llama.f32.gguf")

        let tokenizerConfig = try object(stored.folder.appendingPathComponent("tokenizer_config.json"))
        let publishedConfig = try object(fixture("tiny-llama/tokenizer_config.json"))
        #expect(tokenizerConfig["chat_template"] as? String == publishedConfig["chat_template"] as? String)
        #expect(tokenizerConfig["eos_token"] as? String == "<|im_end|>")

        let made = try stored.tokenizer(), published = try Tokenizer.load(directory: fixture("tiny-llama"))
        for text in ["Hello, world! It's 2024.", "<|im_start|>user\nHi<|im_end|>", "  spaces\tand\nnewlines ", "é 中 😀"] {
            #expect(made.encode(text) == published.encode(text), "\(text)")
        }
        #expect(made.tokenID(special: "<|im_end|>") == 601)
    }

    @Test func llamaCppRowOrderIsUndoneWithoutDecodingBlocks() throws {
        let file = try GGUFFile(contentsOf: fixture("tiny-llama.q8_0.gguf"))
        let source = try GGUFSource(file: file, queryHeads: 4, keyValueHeads: 2)
        let stored = try file.tensor("blk.0.attn_k.weight")
        let restored = try source.tensor("model.layers.0.self_attn.k_proj.weight")
        #expect(restored.dtype == .q8_0 && restored.shape == stored.shape)
        // Head dimension 8: Hugging Face's rows 0, 1, 2, 3, 4, 5, 6, 7 of a head are llama.cpp's 0, 2, 4, 6, 1, 3, 5, 7.
        let order = [0, 2, 4, 6, 1, 3, 5, 7]
        for head in 0..<2 {
            for (row, storedRow) in order.enumerated() {
                #expect(restored.row(head * 8 + row).toArray() == stored.row(head * 8 + storedRow).toArray())
            }
        }
        #expect(source.names.contains("model.embed_tokens.weight") && source.names.contains("lm_head.weight"))
    }
}

/// GGUF files the converter must refuse, each with one clear error naming the file and the problem.
@Suite struct GGUFImportErrorTests {
    let zooFolder = temporaryFolder("zoo")

    func failure(_ source: URL) -> String {
        do {
            try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(source, options: .init(name: "m"))
            Issue.record("conversion of \(source.path) succeeded")
            return ""
        } catch {
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []).isEmpty)
            return "\(error)"
        }
    }

    /// A copy of the float32 fixture with the string value of metadata `key` replaced by `value` of the same length.
    func withMetadata(_ key: String, _ value: String) throws -> URL {
        var bytes = try Data(contentsOf: fixture("tiny-llama.f32.gguf"))
        let keyBytes = Data(key.utf8)
        let range = try #require(bytes.range(of: keyBytes))
        // The key is followed by the value type (uint32, 8 = string), the length (uint64), then the text.
        let textStart = range.upperBound + 12
        let length = Int(bytes[range.upperBound + 4])
        #expect(length == value.utf8.count)
        bytes.replaceSubrange(textStart..<textStart + length, with: Data(value.utf8))
        let url = temporaryFolder().appendingPathComponent("edited.gguf")
        try bytes.write(to: url)
        return url
    }

    @Test func anArchitectureWithNoPluginIsNamed() throws {
        let message = failure(try withMetadata("general.architecture", "mamba"))
        #expect(message.contains("edited.gguf") && message.contains("\"mamba\"") && message.contains("llama"))
    }

    @Test func aTokenizerOtherThanByteLevelBPEIsNamed() throws {
        let message = failure(try withMetadata("tokenizer.ggml.model", "bert"))
        #expect(message.contains("tokenizer.ggml.model") && message.contains("\"bert\""))
    }

    @Test func anUnknownPreTokenizerSplitIsNamed() throws {
        let message = failure(try withMetadata("tokenizer.ggml.pre", "qwen"))
        #expect(message.contains("tokenizer.ggml.pre") && message.contains("\"qwen\""))
    }

    @Test func aFileThatIsNeitherAFolderNorGGUFIsRefused() throws {
        let url = temporaryFolder().appendingPathComponent("model.bin")
        try Data("not a model".utf8).write(to: url)
        #expect(failure(url).contains("neither a Hugging Face model folder"))
    }

    @Test func aTruncatedGGUFIsRefused() throws {
        let bytes = try Data(contentsOf: fixture("tiny-llama.f32.gguf"))
        let url = temporaryFolder().appendingPathComponent("truncated.gguf")
        try bytes.prefix(bytes.count - 100).write(to: url)
        #expect(failure(url).contains("truncated.gguf"))
    }
}
