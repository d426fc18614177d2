import Foundation
import ZooModels
import ZooTokenizers

/// A model to convert, in a form Zoo imports: a Hugging Face folder (config.json, a weights file and the tokenizer
/// files), a single GGUF file, whose metadata holds the config, the tokenizer and the chat template, or a file of
/// word vectors (GloVe or word2vec).
struct ModelSource {
    /// A file the converted model gets beside config.json and weights.h5.
    enum File {
        /// A file of the source, copied as published.
        case copy(URL)
        /// A file the converter makes from the source.
        case made(name: String, contents: Data)
    }

    let config: ModelConfig
    let checkpoint: any CheckpointSource
    let files: [File]
    /// Whether the tokenizer is among the made files, so that it is checked once written rather than in the source.
    let makesTokenizer: Bool
    /// What the user should know about the import, such as entries of the source that were dropped.
    var notes: [String] = []

    /// The source at `url`: a folder is read as a Hugging Face model folder, a file as GGUF or word vectors.
    static func open(_ url: URL) throws -> ModelSource {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ZooError(path: url.path, "no such file or folder")
        }
        if isFolder.boolValue { return try huggingFaceFolder(url) }
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ZooError(path: url.path, "cannot be read") }
        defer { try? handle.close() }
        let magic = try? handle.read(upToCount: 4)
        if magic == Data("GGUF".utf8) { return try GGUFImport.source(url) }
        if magic == Data([0x50, 0x4B, 0x03, 0x04]) || url.pathExtension == "safetensors" {
            throw ZooError(path: url.path, "a weights file alone cannot be converted: give the Hugging Face folder that holds it with its config.json and tokenizer files")
        }
        if let words = try WordVectorsImport.source(url) { return words }
        throw ZooError(path: url.path, "neither a Hugging Face model folder (config.json, model.safetensors or pytorch_model.bin, tokenizer files), a GGUF file, nor word vectors (GloVe or word2vec text, word2vec binary)")
    }

    private static func huggingFaceFolder(_ folder: URL) throws -> ModelSource {
        let configURL = folder.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw ZooError(path: configURL.path, "missing: a Hugging Face model folder has a config.json")
        }
        let config = try ModelConfig(contentsOf: configURL)
        let checkpoint = try CheckpointSources.open(folder: folder)
        let tokenizerFiles = try TokenizerFiles.find(in: folder)
        _ = try Tokenizer.load(directory: folder)
        return ModelSource(config: config, checkpoint: checkpoint,
                           files: (tokenizerFiles + TokenizerFiles.companions(in: folder)).map(File.copy),
                           makesTokenizer: false)
    }
}

extension ModelSource.File {
    var name: String {
        switch self {
        case .copy(let url): url.lastPathComponent
        case .made(let name, _): name
        }
    }

    func write(into folder: URL) throws {
        let destination = folder.appendingPathComponent(name)
        switch self {
        case .copy(let url): try FileManager.default.copyItem(at: url, to: destination)
        case .made(_, let contents): try contents.write(to: destination)
        }
    }
}
