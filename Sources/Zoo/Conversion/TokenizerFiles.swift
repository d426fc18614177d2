import Foundation

/// The tokenizer files of a Hugging Face folder, copied into the zoo as they are published.
enum TokenizerFiles {
    /// The files that define the tokenizer: tokenizer.json, or vocab.json + merges.txt, or vocab.txt.
    static func find(in folder: URL) throws -> [URL] {
        let manager = FileManager.default
        func file(_ name: String) -> URL? {
            let url = folder.appendingPathComponent(name)
            return manager.fileExists(atPath: url.path) ? url : nil
        }
        if let json = file("tokenizer.json") { return [json] + [file("vocab.json"), file("merges.txt")].compactMap { $0 } }
        if let vocab = file("vocab.json") {
            guard let merges = file("merges.txt") else {
                throw ZooError(path: folder.appendingPathComponent("merges.txt").path, "missing: vocab.json needs its merges.txt")
            }
            return [vocab, merges]
        }
        if let vocab = file("vocab.txt") { return [vocab] }
        throw ZooError(path: folder.path, "no tokenizer files (expected tokenizer.json, vocab.json + merges.txt, or vocab.txt)")
    }

    /// Files that configure the tokenizer or generation, copied when present.
    static func companions(in folder: URL) -> [URL] {
        ["tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "generation_config.json",
         "chat_template.jinja"]
            .map { folder.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
