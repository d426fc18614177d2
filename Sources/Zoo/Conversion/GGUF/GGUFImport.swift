import Foundation
import ZooFormats
import ZooModels

/// A GGUF file as a model to convert: its config, tensors, tokenizer and chat template all come from the file.
/// llama.cpp's architecture names map to Zoo's plugins; Llama is the one supported.
enum GGUFImport {
    static func source(_ url: URL) throws -> ModelSource {
        let file = try GGUFFile(contentsOf: url)
        let architecture = try file.metadata.string("general.architecture")
        guard architecture == "llama" else {
            throw ZooError(path: url.path, "general.architecture is \"\(architecture)\": Zoo converts GGUF files of the llama architecture only (its plugins: \(Architectures.modelTypes.joined(separator: ", ")))")
        }
        let made = try GGUFLlamaConfig.make(file)
        return ModelSource(
            config: try ModelConfig(data: made.json, path: url.path + " (its metadata as config.json)"),
            checkpoint: try GGUFSource(file: file, queryHeads: made.heads, keyValueHeads: made.keyValueHeads),
            files: try GGUFTokenizerFiles.make(file, contextLength: made.contextLength),
            makesTokenizer: true)
    }
}
