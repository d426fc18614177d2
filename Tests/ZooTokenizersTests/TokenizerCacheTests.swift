import Foundation
import Testing

@testable import ZooTokenizers

/// The tokenizer cache gives the tokenizer the files give, whatever state its entry is in.
@Suite struct TokenizerCacheTests {
    /// A folder with GPT-2's vocab.json and merges.txt, and an empty cache beside it.
    struct Setup {
        let root: URL
        let model: URL
        let cache: TokenizerCache

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cache-\(UUID().uuidString)")
            model = root.appendingPathComponent("model")
            try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
            for name in ["vocab.json", "merges.txt"] {
                try FileManager.default.copyItem(
                    at: Fixtures.url("gpt2/\(name)"), to: model.appendingPathComponent(name))
            }
            cache = TokenizerCache(folder: root.appendingPathComponent("cache"))
        }

        var key: TokenizerCache.Key {
            get throws {
                TokenizerCache.key(
                    vocabulary: try Data(contentsOf: model.appendingPathComponent("vocab.json")),
                    merges: try Data(contentsOf: model.appendingPathComponent("merges.txt")))
            }
        }

        var entry: URL { get throws { cache.file(for: try key) } }

        func outcome() throws -> TokenizerCache.Outcome { cache.read(try key).1 }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Everything a tokenizer gives, compared between a cached and an uncached load: the reference corpus's ids,
    /// tokens and decodes, and every id's token and back.
    func expectSame(_ cached: Tokenizer, _ reference: Tokenizer) throws {
        #expect(cached.vocabularySize == reference.vocabularySize)
        #expect(cached.idLimit == reference.idLimit)
        for text in Fixtures.expected.corpus {
            let (ids, tokens) = cached.encodeWithTokens(text)
            let expected = reference.encodeWithTokens(text)
            #expect(ids == expected.ids, "\(text.debugDescription)")
            #expect(tokens.map { Array($0.utf8) } == expected.tokens.map { Array($0.utf8) })
            #expect(Array(cached.decode(ids).utf8) == Array(reference.decode(ids).utf8))
        }
        for id in 0..<reference.idLimit {
            let token = reference.token(for: id)
            #expect(cached.token(for: id).map { Array($0.utf8) } == token.map { Array($0.utf8) })
            if let token { #expect(cached.model.vocabulary.id(of: token) == reference.model.vocabulary.id(of: token)) }
        }
    }

    @Test func aMissingEntryIsWrittenThenUsedWithTheSameIds() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let reference = try Tokenizer.load(directory: setup.model)
        #expect(try setup.outcome() == .missing)
        let first = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        #expect(try setup.outcome() == .used)
        let second = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        try expectSame(first, reference)
        try expectSame(second, reference)
        // The reference ids Hugging Face gave for this tokenizer, through the cached tables.
        let expected = Fixtures.expectedTokenizer("gpt2")
        for (text, recorded) in zip(Fixtures.recording(of: expected).corpus, expected.cases) {
            #expect(second.encode(text) == recorded.ids)
        }
        // Only the entry: no temporary file is left.
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.cache.folder.path)
        #expect(names == [try setup.entry.lastPathComponent])
    }

    /// Every reference tokenizer (tokenizer.json BPE models through the cache, the others past it), loaded with
    /// an empty cache and again with the entry written then: Hugging Face's ids and tokens both times.
    @Test(arguments: Fixtures.allTokenizers)
    func everyReferenceTokenizerGivesItsIdsThroughTheCache(_ expected: ExpectedTokenizer) throws {
        let setup = try Setup()
        defer { setup.remove() }
        let file = Fixtures.url(expected.path)
        let corpus = Fixtures.recording(of: expected).corpus
        for _ in 0..<2 {
            let tokenizer = try TokenizerFiles.load(file: file, cache: setup.cache)
            for (text, reference) in zip(corpus, expected.cases) {
                let (ids, tokens) = tokenizer.encodeWithTokens(text)
                #expect(ids == reference.ids, "\(text.debugDescription)")
                #expect(tokens.map { Array($0.utf8) } == reference.tokens.map { Array($0.utf8) })
                #expect(Array(tokenizer.decode(ids).utf8) == Array(reference.decoded.utf8))
            }
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: setup.cache.folder.path)) ?? []
        let isBPE = (try TokenizerFiles.load(file: file).model) is BPEModel
        #expect(entries.count == (isBPE ? 1 : 0), "one entry for a BPE model, none for another")
    }

    /// A tokenizer.json in a folder of its own, its text changed by `edit`.
    func tokenizerJSON(_ setup: Setup, edit: (String) -> String = { $0 }) throws -> URL {
        let text = try String(contentsOf: Fixtures.url("trained-bpe/tokenizer.json"), encoding: .utf8)
        let file = setup.model.appendingPathComponent("tokenizer.json")
        try Data(edit(text).utf8).write(to: file)
        return file
    }

    func storedRanges(_ setup: Setup, _ file: URL) throws -> ModelTableRanges? {
        let tables = setup.cache.read(TokenizerCache.key(tokenizerJSON: try Data(contentsOf: file))).0
        return try #require(tables, "the BPE tables are stored").splice
    }

    @Test func aTokenizerJSONIsParsedWithoutItsTablesOnceTheyAreCached() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let file = try tokenizerJSON(setup)
        let reference = try Tokenizer.load(file: file)
        _ = try Tokenizer.load(file: file, cache: setup.cache)
        let ranges = try #require(try storedRanges(setup, file))
        let data = try Data(contentsOf: file)
        #expect(data[ranges.vocab].first == UInt8(ascii: "{") && data[ranges.merges].first == UInt8(ascii: "["))
        #expect(ranges.splice(data).count < data.count / 10)
        try expectSame(try Tokenizer.load(file: file, cache: setup.cache), reference)
    }

    /// Files whose tables the scan does not find plainly are cached without ranges, and parsed whole.
    @Test(arguments: ["escaped key", "repeated key", "single quotes"])
    func unplainTablesAreParsedWhole(_ kind: String) throws {
        let setup = try Setup()
        defer { setup.remove() }
        let file = try tokenizerJSON(setup) { text in
            switch kind {
            case "escaped key": text.replacingOccurrences(of: "\"vocab\"", with: "\"vo\\u0063ab\"")
            // json-c keeps the last of a repeated key, as Python does.
            case "repeated key": text.replacingOccurrences(of: "\"merges\":", with: "\"merges\": [], \"merges\":")
            default: text.replacingOccurrences(of: "\"type\": \"BPE\"", with: "'type': \"BPE\"")
            }
        }
        let reference = try Tokenizer.load(file: file)
        _ = try Tokenizer.load(file: file, cache: setup.cache)
        #expect(try storedRanges(setup, file) == nil)
        try expectSame(try Tokenizer.load(file: file, cache: setup.cache), reference)
    }

    @Test func rangesThatDoNotGiveTheSameDocumentAreNotTrusted() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let file = try tokenizerJSON(setup)
        let data = try Data(contentsOf: file)
        let ranges = try #require(ModelTableRanges(scanning: data))
        func verified(_ candidate: ModelTableRanges) throws -> Bool {
            candidate.verified(against: try JSONDocument(data, file: file.path), data: data) != nil
        }
        #expect(try verified(ranges))
        // The added tokens' array spliced out in place of the merges: valid JSON, another document.
        let text = [UInt8](data)
        let added = try #require(text.firstRange(of: Array("\"added_tokens\": [".utf8)))
        let start = added.upperBound - 1
        let end = try #require(text[start...].firstIndex(of: UInt8(ascii: "]"))) + 1
        #expect(try !verified(ModelTableRanges(unchecked: ranges.vocab, start..<end)))
    }

    @Test func theRestoredTablesAreTheBuiltOnes() throws {
        let setup = try Setup()
        defer { setup.remove() }
        _ = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        let built = try #require(try Tokenizer.load(directory: setup.model).model as? BPEModel)
        let restored = try #require(setup.cache.read(try setup.key).0)
        #expect(restored.merges.count == built.merges.count)
        built.merges.forEach { left, right, merge in
            let found = restored.merges.merge(left, right)
            #expect(found?.rank == merge.rank && found?.merged == merge.merged)
        }
        #expect(restored.vocabulary.count == built.vocabulary.count)
        #expect(restored.vocabulary.largestID == built.vocabulary.largestID)
        #expect(restored.vocabulary.longestTokenLength == built.vocabulary.longestTokenLength)
    }

    /// Damage anywhere in an entry: a flipped byte in the header or the payload, a cut, an empty file.
    @Test(arguments: ["payload byte", "header byte", "builder", "truncated", "header only", "empty"])
    func aDamagedEntryIsRejectedAndRebuilt(_ damage: String) throws {
        let setup = try Setup()
        defer { setup.remove() }
        let reference = try Tokenizer.load(directory: setup.model)
        _ = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        let entry = try setup.entry
        var bytes = [UInt8](try Data(contentsOf: entry))
        switch damage {
        case "payload byte": bytes[bytes.count / 2] ^= 0x10
        case "header byte": bytes[9] ^= 1
        case "builder": bytes[BPETables.headerSize - 40] ^= 1
        case "truncated": bytes.removeLast(bytes.count / 3)
        case "header only": bytes.removeLast(bytes.count - BPETables.headerSize)
        default: bytes = []
        }
        try Data(bytes).write(to: entry)
        guard case .rejected = try setup.outcome() else {
            Issue.record("a damaged entry (\(damage)) was not rejected")
            return
        }
        let loaded = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        try expectSame(loaded, reference)
        #expect(try setup.outcome() == .used, "the load replaces the damaged entry")
    }

    @Test func changedFilesNeverUseTheOldEntry() throws {
        let setup = try Setup()
        defer { setup.remove() }
        _ = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        let oldEntry = try setup.entry
        // The same size, one merge different: "Ġ t" becomes "Ġ a" (both merge to tokens of the vocabulary).
        let mergesURL = setup.model.appendingPathComponent("merges.txt")
        let merges = try String(contentsOf: mergesURL, encoding: .utf8)
        let changed = merges.replacingOccurrences(of: "\nĠ t\n", with: "\nĠ a\n")
        #expect(changed != merges && changed.utf8.count == merges.utf8.count)
        try changed.write(to: mergesURL, atomically: true, encoding: .utf8)
        #expect(try setup.entry != oldEntry)
        #expect(try setup.outcome() == .missing)
        // Even the old entry put under the new files' name is refused: it records the files it was made from.
        try FileManager.default.copyItem(at: oldEntry, to: try setup.entry)
        #expect(try setup.outcome() == .rejected("made from other files"))
        let reference = try Tokenizer.load(directory: setup.model)
        let loaded = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        try expectSame(loaded, reference)
        #expect(reference.encode(" the") != (try Fixtures.gpt2().encode(" the")))
    }

    @Test func aCacheThatCannotBeWrittenOnlyCostsTime() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try Data("not a folder".utf8).write(to: setup.cache.folder)
        let reference = try Tokenizer.load(directory: setup.model)
        try expectSame(try Tokenizer.load(directory: setup.model, cache: setup.cache), reference)
        #expect(try setup.outcome() == .missing)
    }

    @Test func concurrentLoadsAllGetTheTokenizerAndLeaveOneEntry() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        let expected = try Fixtures.gpt2().encode("Concurrent loads, one entry.")
        let model = setup.model, cache = setup.cache
        try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask { try Tokenizer.load(directory: model, cache: cache).encode("Concurrent loads, one entry.") }
            }
            for try await ids in group { #expect(ids == expected) }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.cache.folder.path)
        #expect(names == [try setup.entry.lastPathComponent])
        #expect(try setup.outcome() == .used)
    }

    @Test func aDeadWritersTemporaryFileIsRemoved() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try FileManager.default.createDirectory(at: setup.cache.folder, withIntermediateDirectories: true)
        // Far above any pid the kernel hands out (at most 2^22).
        let abandoned = URL(fileURLWithPath: try setup.entry.path + ".partial-99999999-42")
        try Data("half an entry".utf8).write(to: abandoned)
        _ = try Tokenizer.load(directory: setup.model, cache: setup.cache)
        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
        #expect(try setup.outcome() == .used)
    }

    @Test func badFilesGiveTheSameErrorWithACache() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try Data("{\"a\": 0, \"b\": 1}".utf8).write(to: setup.model.appendingPathComponent("vocab.json"))
        let expected = #expect(throws: TokenizerError.self) { try Tokenizer.load(directory: setup.model) }
        let cached = #expect(throws: TokenizerError.self) {
            try Tokenizer.load(directory: setup.model, cache: setup.cache)
        }
        #expect(cached == expected)
        #expect(try setup.outcome() == .missing)
    }
}
