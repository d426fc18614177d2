import Foundation
import ZooFormats
import ZooTokenizers

/// The tokenizer.json and tokenizer_config.json that a GGUF file's tokenizer metadata describes, equivalent to the
/// tokenizer transformers builds from it: a byte-level BPE (`tokenizer.ggml.model = gpt2`) over the file's tokens
/// and merges, its control tokens added as special tokens and its user-defined tokens as plain added tokens, and the
/// chat template in tokenizer_config.json as Hugging Face keeps it.
///
/// The split into words follows `tokenizer.ggml.pre`, as llama.cpp does. `gpt2` is GPT-2's pattern (ByteLevel's own).
/// `smollm` (SmolLM, StarCoder) first makes every digit a word of its own, then applies GPT-2's pattern, which is
/// Digits(individual_digits) then ByteLevel in tokenizer.json. transformers 5.23 has no entry for `smollm` and falls
/// back to GPT-2's pattern alone; the two differ only where digits follow two or more spaces, or digits outside ASCII
/// follow a space (Tools/make_smollm2_reference.py records both).
enum GGUFTokenizerFiles {
    /// llama.cpp's token types (`llama_token_type`).
    private static let controlType = 3, userDefinedType = 4

    static func make(_ file: GGUFFile, contextLength: Int) throws -> [ModelSource.File] {
        let metadata = file.metadata
        let path = file.url.path
        let model = try metadata.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw ZooError(path: path, "tokenizer.ggml.model is \"\(model)\": only byte-level BPE tokenizers (\"gpt2\") are supported")
        }
        let split = metadata.contains("tokenizer.ggml.pre") ? try metadata.string("tokenizer.ggml.pre") : "gpt2"
        let addPrefixSpace = metadata.contains("tokenizer.ggml.add_space_prefix")
            ? try metadata.bool("tokenizer.ggml.add_space_prefix") : false
        let byteLevel = """
            {"type": "ByteLevel", "add_prefix_space": \(addPrefixSpace), "trim_offsets": true, "use_regex": true}
            """
        let preTokenizer: String
        switch split {
        case "gpt2": preTokenizer = byteLevel
        case "smollm":
            preTokenizer = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Digits\", \"individual_digits\": true}, \(byteLevel)]}"
        default:
            throw ZooError(path: path, "tokenizer.ggml.pre is \"\(split)\": only the \"gpt2\" and \"smollm\" splits are supported")
        }

        let tokens = try metadata.strings("tokenizer.ggml.tokens")
        let types = metadata.contains("tokenizer.ggml.token_type")
            ? try metadata.integers("tokenizer.ggml.token_type") : Array(repeating: 1, count: tokens.count)
        guard types.count == tokens.count else {
            throw ZooError(path: path, "tokenizer.ggml.token_type has \(types.count) entries for \(tokens.count) tokens")
        }
        // A token written in other characters than the byte alphabet is spelled out byte by byte, as transformers does.
        let vocabulary = tokens.map { ByteLevelSpelling.isSpelled($0) ? $0 : ByteLevelSpelling.spell($0) }
        var addedTokens: [String] = []
        for (id, token) in tokens.enumerated() where ByteLevelSpelling.isSpelled(token) {
            guard types[id] == controlType || types[id] == userDefinedType else { continue }
            let special = types[id] == controlType
            addedTokens.append("{\"id\": \(id), \"content\": \(JSONText.string(token)), \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": \(special)}")
        }
        let merges = try metadata.strings("tokenizer.ggml.merges").map { merge in
            let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ZooError(path: path, "tokenizer.ggml.merges holds \(merge.debugDescription), not two tokens") }
            return "[\(JSONText.string(String(parts[0]))), \(JSONText.string(String(parts[1])))]"
        }

        func tokenID(_ key: String) throws -> Int? {
            guard metadata.contains("tokenizer.ggml." + key) else { return nil }
            let id = try metadata.integer("tokenizer.ggml." + key)
            guard tokens.indices.contains(id) else { throw ZooError(path: path, "tokenizer.ggml.\(key) \(id) is not a token id") }
            return id
        }
        func token(_ key: String) throws -> String? { try tokenID(key).map { tokens[$0] } }
        let addBOS = metadata.contains("tokenizer.ggml.add_bos_token") ? try metadata.bool("tokenizer.ggml.add_bos_token") : false
        let addEOS = metadata.contains("tokenizer.ggml.add_eos_token") ? try metadata.bool("tokenizer.ggml.add_eos_token") : false
        let bos = addBOS ? try tokenID("bos_token_id").map { (tokens[$0], $0) } : nil
        let eos = addEOS ? try tokenID("eos_token_id").map { (tokens[$0], $0) } : nil
        let postProcessor = template(prepend: bos, append: eos)

        let tokenizer = """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,
              "added_tokens": [
                \(addedTokens.joined(separator: ",\n    "))
              ],
              "normalizer": null,
              "pre_tokenizer": \(preTokenizer),
              "post_processor": \(postProcessor),
              "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
              "model": {
                "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": {
                  \(vocabulary.enumerated().map { "\(JSONText.string($1)): \($0)" }.joined(separator: ",\n      "))
                },
                "merges": [
                  \(merges.joined(separator: ",\n      "))
                ]
              }
            }

            """

        var config: [(String, JSONText.Value)] = []
        if metadata.contains("tokenizer.ggml.add_bos_token") { config.append(("add_bos_token", .bool(addBOS))) }
        if metadata.contains("tokenizer.ggml.add_eos_token") { config.append(("add_eos_token", .bool(addEOS))) }
        for (name, key) in [("bos_token", "bos_token_id"), ("eos_token", "eos_token_id"), ("unk_token", "unknown_token_id"),
                            ("pad_token", "padding_token_id")] {
            if let text = try token(key) { config.append((name, .string(text))) }
        }
        config.append(("model_max_length", .integer(contextLength)))
        if metadata.contains("tokenizer.chat_template") {
            config.append(("chat_template", .string(try metadata.string("tokenizer.chat_template"))))
        }
        return [.made(name: "tokenizer.json", contents: Data(tokenizer.utf8)),
                .made(name: "tokenizer_config.json", contents: Data(JSONText.object(config).utf8))]
    }

    /// The post-processor adding the begin and end tokens around a sequence (llama.cpp's `add_bos_token` and
    /// `add_eos_token`), or null when neither is added.
    private static func template(prepend: (String, Int)?, append: (String, Int)?) -> String {
        guard prepend != nil || append != nil else { return "null" }
        func special(_ token: (String, Int)?) -> String? {
            token.map { "{\"SpecialToken\": {\"id\": \(JSONText.string($0.0)), \"type_id\": 0}}" }
        }
        func sequence(_ id: String, _ type: Int) -> String { "{\"Sequence\": {\"id\": \"\(id)\", \"type_id\": \(type)}}" }
        let single = [special(prepend), sequence("A", 0), special(append)].compactMap { $0 }
        let pair = single + [special(prepend), sequence("B", 1), special(append)].compactMap { $0 }
        var definitions: [String: String] = [:]
        for (token, id) in [prepend, append].compactMap({ $0 }) {
            definitions[token] = "\(JSONText.string(token)): {\"id\": \(JSONText.string(token)), \"ids\": [\(id)], \"tokens\": [\(JSONText.string(token))]}"
        }
        return "{\"type\": \"TemplateProcessing\", \"single\": [\(single.joined(separator: ", "))], \"pair\": [\(pair.joined(separator: ", "))], \"special_tokens\": {\(definitions.keys.sorted().map { definitions[$0]! }.joined(separator: ", "))}}"
    }
}
