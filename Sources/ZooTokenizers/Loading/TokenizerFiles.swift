import Foundation

/// Finds and reads a tokenizer's files: a tokenizer.json, GPT-2's older pair vocab.json and merges.txt, BERT's
/// vocab.txt, or the words.txt of word vectors.
enum TokenizerFiles {
    static func load(directory: URL) throws -> Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw TokenizerError(path: directory.path, problem: "no such directory")
        }
        guard isDirectory.boolValue else { throw TokenizerError(path: directory.path, problem: "not a directory") }
        for name in ["tokenizer.json", "vocab.json", "vocab.txt", WordListFiles.fileName] {
            let file = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) { return try load(file: file) }
        }
        throw TokenizerError(path: directory.path, problem: "has no tokenizer.json, vocab.json, vocab.txt or words.txt")
    }

    /// A file named "words.txt" is the word list of word vectors; another whose name ends in ".txt" is a WordPiece
    /// vocabulary. A file named "tokenizer.json", or ending so, is read as one. Another is a tokenizer.json when its "model" is an object, and else taken for a vocab.json
    /// (where "model" may well be a token).
    static func load(file: URL) throws -> Tokenizer {
        if file.lastPathComponent == WordListFiles.fileName { return try WordListFiles.tokenizer(wordsFile: file) }
        if file.pathExtension == "txt" { return try WordPieceFiles.tokenizer(vocabularyFile: file) }
        let root = try JSONValue.parse(try read(file), file: file.path).object()
        let isTokenizerJSON =
            file.lastPathComponent.hasSuffix("tokenizer.json") || (try? root["model"]?.object()) != nil
        if isTokenizerJSON { return try TokenizerJSON.tokenizer(from: root) }
        return try vocabAndMerges(vocabulary: root, mergesFile: mergesFile(besides: file))
    }

    /// Tokenizer files larger than this are refused unread (the largest published tokenizer.json files are a few
    /// tens of megabytes; parsed, a file takes several times its size).
    static let maximumFileSize = 100_000_000

    static func read(_ file: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TokenizerError(path: file.path, problem: "no such file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        guard size <= maximumFileSize else {
            throw TokenizerError(path: file.path, problem: "\(size) bytes is beyond the limit of \(maximumFileSize) bytes for a tokenizer file")
        }
        do {
            return try Data(contentsOf: file)
        } catch {
            throw TokenizerError(path: file.path, problem: "cannot be read: \(error.localizedDescription)")
        }
    }

    /// GPT-2's tokenizer from vocab.json and merges.txt, with the added tokens that transformers would read
    /// beside them.
    private static func vocabAndMerges(vocabulary vocabularyObject: JSONObject, mergesFile: URL) throws -> Tokenizer {
        let vocabulary = try BPEFromJSON.vocabulary(vocabularyObject)
        let merges = try MergesText.merges(try read(mergesFile), file: mergesFile.path)
        let model = try BPEModel(vocabulary: vocabulary, merges: merges, options: .init(), source: mergesFile.path)
        let directory = URL(fileURLWithPath: vocabularyObject.file).deletingLastPathComponent()
        // GPT-2's beginning, end and unknown token, when the vocabulary has it.
        let endOfText = "<|endoftext|>"
        let defaults =
            vocabulary.id(of: endOfText) == nil
            ? [:] : ["bos_token": endOfText, "eos_token": endOfText, "unk_token": endOfText]
        let (addedTokens, roleNames) = try SpecialTokensConfig.read(in: directory, defaults: defaults)
        return Tokenizer(
            addedTokens: addedTokens,
            normalizer: nil,
            preTokenizer: ByteLevelPreTokenizer(addPrefixSpace: false, useRegex: true),
            model: model,
            postProcessor: nil,
            decoder: ByteLevelDecoder(),
            roleNames: roleNames)
    }

    /// "merges.txt", or "name-merges.txt" for "name-vocab.json", in the same directory.
    private static func mergesFile(besides vocabularyFile: URL) -> URL {
        let name = vocabularyFile.lastPathComponent
        let prefix = name.hasSuffix("vocab.json") ? name.dropLast("vocab.json".count) : ""
        return vocabularyFile.deletingLastPathComponent().appendingPathComponent(prefix + "merges.txt")
    }
}
