import Foundation
import Testing

@testable import ZooTokenizers

/// Every tokenizer of the fixtures against what the Python `tokenizers` library gives for the hard corpus.
@Suite struct ReferenceTests {
    static func load(_ expected: ExpectedTokenizer) throws -> Tokenizer {
        expected.name == "gpt2" ? try Fixtures.gpt2() : try Tokenizer.load(file: Fixtures.url(expected.path))
    }

    @Test(arguments: Fixtures.expected.tokenizers)
    func idsAndTokens(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        for (text, reference) in zip(Fixtures.expected.corpus, expected.cases) {
            let (ids, tokens) = tokenizer.encodeWithTokens(text)
            #expect(ids == reference.ids, "\(text.debugDescription)")
            #expect(tokens.map(Exact.init) == reference.tokens.map(Exact.init), "\(text.debugDescription)")
            #expect(tokenizer.encode(text) == reference.ids, "\(text.debugDescription)")
        }
    }

    @Test(arguments: Fixtures.expected.tokenizers)
    func decode(_ expected: ExpectedTokenizer) throws {
        let tokenizer = try Self.load(expected)
        for reference in expected.cases {
            #expect(Exact(tokenizer.decode(reference.ids)) == Exact(reference.decoded))
            #expect(
                Exact(tokenizer.decode(reference.ids, skipSpecialTokens: true))
                    == Exact(reference.decodedSkippingSpecial))
        }
    }

    @Test(arguments: Fixtures.expected.tokenizers)
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

    @Test func loadingADirectoryPrefersTokenizerJSON() throws {
        let fromDirectory = try Tokenizer.load(directory: Fixtures.url("trained-bpe"))
        let fromFile = try Tokenizer.load(file: Fixtures.url("trained-bpe/tokenizer.json"))
        let fromVocabulary = try Tokenizer.load(directory: Fixtures.url("trained-bpe-config"))
        let text = "<|im_start|>The keeper<|im_end|>"
        #expect(fromDirectory.encode(text) == fromFile.encode(text))
        #expect(fromVocabulary.encode(text).first == 600)
        #expect(fromDirectory.encode(text).first != 600)
    }
}
