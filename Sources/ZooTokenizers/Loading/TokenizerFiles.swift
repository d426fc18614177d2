import Foundation

/// Finds and reads a tokenizer's files: a tokenizer.json, GPT-2's older pair vocab.json and merges.txt, BERT's
/// vocab.txt, or the words.txt of word vectors.
enum TokenizerFiles {
    static func load(directory: URL, cache: TokenizerCache? = nil) throws -> Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw TokenizerError(path: directory.path, problem: "no such directory")
        }
        guard isDirectory.boolValue else { throw TokenizerError(path: directory.path, problem: "not a directory") }
        for name in ["tokenizer.json", "vocab.json", "vocab.txt", WordListFiles.fileName] {
            let file = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) { return try load(file: file, cache: cache) }
        }
        throw TokenizerError(path: directory.path, problem: "has no tokenizer.json, vocab.json, vocab.txt or words.txt")
    }

    /// A file named "words.txt" is the word list of word vectors; another whose name ends in ".txt" is a WordPiece
    /// vocabulary. A file named "tokenizer.json", or ending so, is read as one. Another is a tokenizer.json when its "model" is an object, and else taken for a vocab.json
    /// (where "model" may well be a token).
    ///
    /// With a cache, the BPE tables of a vocab.json and merges.txt, or of a tokenizer.json, are read from it
    /// when it holds them for these files' bytes (`TokenizerCache`); a tokenizer.json is then parsed without its
    /// vocabulary and merges, for the rest of the tokenizer.
    static func load(file: URL, cache: TokenizerCache? = nil) throws -> Tokenizer {
        if file.lastPathComponent == WordListFiles.fileName { return try WordListFiles.tokenizer(wordsFile: file) }
        if file.pathExtension == "txt" { return try WordPieceFiles.tokenizer(vocabularyFile: file) }
        let isNamedTokenizerJSON = file.lastPathComponent.hasSuffix("tokenizer.json")
        let data = try read(file)
        let mergesFile = mergesFile(besides: file)
        // Entries are keyed by the files' bytes and only written once a model was built from them: a hit means
        // these bytes were read before, as the same kind of file, without error.
        var pair: (entry: CachedTables, merges: Data)?
        if let cache, !isNamedTokenizerJSON, FileManager.default.fileExists(atPath: mergesFile.path) {
            let merges = try read(mergesFile)
            let entry = cache.entry { TokenizerCache.key(vocabulary: data, merges: merges) }
            if let tables = entry.tables {
                let model = BPEModel(vocabulary: tables.vocabulary, mergeTable: tables.merges, options: .init())
                return try vocabAndMerges(model, directory: file.deletingLastPathComponent())
            }
            pair = (entry, merges)
        }
        let json = cache?.entry { TokenizerCache.key(tokenizerJSON: data) }
        // A tokenizer.json whose BPE tables are cached is parsed without them, when the entry says where they are.
        if let json, isNamedTokenizerJSON || pair == nil, let tables = json.tables, let splice = tables.splice,
           splice.fits(data.count) {
            let root = try JSONValue.parse(splice.splice(data), file: file.path).object()
            return try TokenizerJSON.tokenizer(from: root, cached: json)
        }
        let document = try JSONDocument(data, file: file.path)
        let root = try JSONValue(handle: document.root, document: document).object()
        if isNamedTokenizerJSON || (try? root["model"]?.object()) != nil {
            let tokenizer = try TokenizerJSON.tokenizer(from: root, cached: json)
            if let json, json.built != nil {
                json.write(splice: ModelTableRanges(scanning: data)?.verified(against: document, data: data))
            }
            return tokenizer
        }
        let vocabulary = try BPEFromJSON.vocabulary(root)
        let mergesData = try pair?.merges ?? read(mergesFile)
        let merges = try MergesText.merges(mergesData, file: mergesFile.path)
        let model = try BPEModel(vocabulary: vocabulary, merges: merges, options: .init(), source: mergesFile.path)
        let tokenizer = try vocabAndMerges(model, directory: file.deletingLastPathComponent())
        pair?.entry.keep(model)
        pair?.entry.write()
        return tokenizer
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

    /// GPT-2's tokenizer from the model of its vocab.json and merges.txt, with the added tokens that
    /// transformers would read beside them.
    private static func vocabAndMerges(_ model: BPEModel, directory: URL) throws -> Tokenizer {
        let vocabulary = model.vocabulary
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
