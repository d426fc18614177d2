import Foundation
import Testing

@testable import ZooTokenizers

/// Every tokenizer of the fixtures against what the Python `tokenizers` library gives for the corpus and its
/// pairs, and what transformers names as each one's special tokens.
@Suite struct ReferenceTests {
    static func load(_ expected: ExpectedTokenizer) throws -> Tokenizer {
        expected.name == "gpt2" ? try Fixtures.gpt2() : try Tokenizer.load(file: Fixtures.url(expected.path))
    }

    @Test(arguments: Fixtures.allTokenizers)
    func idsAndTokens(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        let corpus = Fixtures.recording(of: expected).corpus
        #expect(expected.cases.count == corpus.count)
        for (text, reference) in zip(corpus, expected.cases) {
            let (ids, tokens) = tokenizer.encodeWithTokens(text)
            #expect(ids == reference.ids, "\(text.debugDescription)")
            #expect(tokens.map(Exact.init) == reference.tokens.map(Exact.init), "\(text.debugDescription)")
            #expect(tokenizer.encode(text) == reference.ids, "\(text.debugDescription)")
            let encoding = tokenizer.encode(text, pair: nil)
            #expect(encoding.ids == reference.ids && encoding.typeIDs == reference.typeIDs, "\(text.debugDescription)")
        }
    }

    @Test(arguments: Fixtures.allTokenizers)
    func pairs(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        let pairs = Fixtures.recording(of: expected).pairs
        #expect(expected.pairCases.count == pairs.count)
        for (pair, reference) in zip(pairs, expected.pairCases) {
            let encoding = tokenizer.encode(pair[0], pair: pair[1])
            #expect(encoding.ids == reference.ids, "\(pair)")
            #expect(encoding.typeIDs == reference.typeIDs, "\(pair)")
            #expect(encoding.tokens.map(Exact.init) == reference.tokens.map(Exact.init), "\(pair)")
        }
    }

    /// The mask, padding, classifier, separator and unknown tokens that transformers finds in the same files.
    @Test(arguments: Fixtures.allTokenizers.filter { $0.roles != nil })
    func specialTokenParts(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        let roles = try #require(expected.roles)
        func expect(_ role: String, _ token: String?, _ id: Int?) {
            let reference = roles[role] ?? nil
            #expect(token == reference?.first && id == reference?.second, "\(role)")
        }
        expect("mask", tokenizer.maskToken, tokenizer.maskTokenID)
        expect("pad", tokenizer.padToken, tokenizer.padTokenID)
        expect("cls", tokenizer.clsToken, tokenizer.clsTokenID)
        expect("sep", tokenizer.sepToken, tokenizer.sepTokenID)
        expect("unk", tokenizer.unknownToken, tokenizer.unknownTokenID)
    }

    @Test(arguments: Fixtures.allTokenizers)
    func decode(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        for reference in expected.cases {
            #expect(Exact(tokenizer.decode(reference.ids)) == Exact(reference.decoded))
            #expect(
                Exact(tokenizer.decode(reference.ids, skipSpecialTokens: true))
                    == Exact(reference.decodedSkippingSpecial))
        }
    }

    @Test(arguments: Fixtures.allTokenizers)
    func vocabulary(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        #expect(tokenizer.vocabularySize == expected.vocabularySize)
        for pair in expected.idToToken {
            #expect(tokenizer.token(for: pair.first).map(Exact.init) == pair.second.map(Exact.init), "id \(pair.first)")
            if let token = pair.second {
                #expect(tokenizer.id(for: token) == pair.first, "\(token.debugDescription)")
            }
        }
        for pair in expected.specialTokens {
            #expect(tokenizer.tokenID(special: pair.first) == pair.second)
        }
        #expect(tokenizer.tokenID(special: "!") == nil)
    }

    /// Byte-level BPE without added-token stripping loses nothing: decoding gives back the text.
    @Test(arguments: ["trained-bpe", "trained-bpe-files", "ignore-merges", "gpt2"])
    func roundTrip(_ name: String) throws {
        let tokenizer = try Self.load(Fixtures.expectedTokenizer(name))
        for text in Fixtures.expected.corpus {
            #expect(Exact(tokenizer.decode(tokenizer.encode(text))) == Exact(text))
        }
    }

    /// Words come from the cache the second time; the ids must not change.
    @Test func encodingTwiceGivesTheSameIds() throws {
        let tokenizer = try Tokenizer.load(file: Fixtures.url("trained-bpe/tokenizer.json"))
        let first = Fixtures.expected.corpus.map { tokenizer.encode($0) }
        let second = Fixtures.expected.corpus.map { tokenizer.encode($0) }
        #expect(first == second)
        #expect(first == Fixtures.expectedTokenizer("trained-bpe").cases.map(\.ids))
    }

    @Test func concurrentEncodingGivesTheSameIds() async throws {
        let tokenizer = try Fixtures.gpt2()
        let expected = Fixtures.expectedTokenizer("gpt2").cases.map(\.ids)
        let corpus = Fixtures.expected.corpus
        let results = await withTaskGroup(of: [[Int]].self) { group in
            for _ in 0..<8 {
                group.addTask { corpus.map { tokenizer.encode($0) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for result in results { #expect(result == expected) }
    }

    @Test func specialTokensCanBeLeftOut() throws {
        let tokenizer = try Tokenizer.load(file: Fixtures.url("variants/sequence-post-processor.json"))
        let text = "The keeper"
        let plain = tokenizer.encode(text, addSpecialTokens: false)
        #expect(tokenizer.encode(text) == plain + [0])
        #expect(tokenizer.encodeWithTokens(text, addSpecialTokens: false).ids == plain)
    }

    @Test(arguments: Fixtures.expected.preTokenizers)
    func preTokenizerWords(_ expected: PreTokenizerWords) throws {
        let json = try JSONValue.parse(Data(expected.preTokenizer.utf8), file: "pre_tokenizer.json")
        let preTokenizer = try PreTokenizerFromJSON.preTokenizer(json)
        for (text, words) in zip(expected.texts, expected.words) {
            var found: [String] = []
            var text = text
            text.withUTF8 { preTokenizer.forEachWord(in: $0) { found.append(String(decoding: $0, as: UTF8.self)) } }
            #expect(found == words, "\(text.debugDescription)")
        }
    }

    @Test func loadingADirectoryPrefersTokenizerJSON() throws {
        let fromDirectory = try Tokenizer.load(directory: Fixtures.url("trained-bpe"))
        let fromFile = try Tokenizer.load(file: Fixtures.url("trained-bpe/tokenizer.json"))
        let fromVocabulary = try Tokenizer.load(directory: Fixtures.url("trained-bpe-config"))
        let text = "<|im_start|>The keeper<|im_end|>"
        #expect(fromDirectory.encode(text) == fromFile.encode(text))
        #expect(fromVocabulary.encode(text).first == 600)
        #expect(fromDirectory.encode(text).first != 600)
    }

    /// tokenizer.json first, then vocab.txt; both give the same ids for MiniLM.
    @Test func aWordPieceDirectoryLoadsItsTokenizerJSONOrElseItsVocabText() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ZooTokenizersTests-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(
                at: Fixtures.url("minilm/\(name)"), to: directory.appendingPathComponent(name))
        }
        let text = "Héllo WORLD, [MASK] here!"
        let fromVocabulary = try Tokenizer.load(directory: directory)
        let fromJSON = try Tokenizer.load(directory: Fixtures.url("minilm"))
        #expect(fromVocabulary.encode(text) == fromJSON.encode(text))
        #expect(fromVocabulary.encode(text) == [101, 7592, 2088, 1010, 103, 2182, 999, 102])
    }
}
