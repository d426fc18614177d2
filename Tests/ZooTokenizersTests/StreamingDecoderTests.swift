import Testing

@testable import ZooTokenizers

@Suite struct StreamingDecoderTests {
    /// Fed GPT-2's ids one at a time, the decoder returns each character as soon as its last byte arrives and
    /// never part of one: what it has returned is always the decoding of the ids so far, less an unfinished
    /// character at the end.
    @Test func emitsWholeCharactersAsSoonAsTheyAreComplete() throws {
        let tokenizer = try Fixtures.gpt2()
        var heldBack = 0
        // A text holding U+FFFD itself would look like a character held back.
        for text in Fixtures.expected.corpus where !text.unicodeScalars.contains("\u{FFFD}") {
            let ids = tokenizer.encode(text)
            var stream = StreamingDecoder(tokenizer: tokenizer)
            var emitted = ""
            for (index, id) in ids.enumerated() {
                let chunk = stream.feed(id)
                #expect(!chunk.unicodeScalars.contains("\u{FFFD}"), "\(text.debugDescription)")
                emitted += chunk
                var soFar = tokenizer.decode(Array(ids[...index]))
                if soFar.unicodeScalars.last == "\u{FFFD}" {
                    soFar.unicodeScalars.removeLast()
                    heldBack += 1
                }
                #expect(Exact(emitted) == Exact(soFar), "\(text.debugDescription) after \(index + 1) ids")
            }
            emitted += stream.finish()
            #expect(Exact(emitted) == Exact(text))
        }
        #expect(heldBack > 20, "the corpus splits characters across tokens, so the decoder must hold some back")
    }

    /// An emoji that GPT-2 spells with several byte tokens comes out in one piece.
    @Test func holdsBackAnEmojiUntilItIsComplete() throws {
        let tokenizer = try Fixtures.gpt2()
        let ids = tokenizer.encode("👩🏽‍💻")
        #expect(ids.count > 4)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        let chunks = ids.map { stream.feed($0) } + [stream.finish()]
        #expect(chunks.filter { !$0.isEmpty }.map(Exact.init) == ["👩", "🏽", "\u{200D}", "💻"].map(Exact.init))
    }

    /// Bytes that are not UTF-8 come out as Hugging Face's decode gives them.
    @Test(arguments: Fixtures.expected.gpt2ByteDecodes)
    func repairsBrokenUTF8(_ reference: ByteDecode) throws {
        let tokenizer = try Fixtures.gpt2()
        #expect(Exact(tokenizer.decode(reference.ids)) == Exact(reference.decoded), "\(reference.bytes)")
        var stream = StreamingDecoder(tokenizer: tokenizer)
        var text = ""
        for id in reference.ids { text += stream.feed(id) }
        text += stream.finish()
        #expect(Exact(text) == Exact(reference.decoded), "\(reference.bytes)")
    }

    @Test func finishFlushesAnUnfinishedCharacterAndStartsOver() throws {
        let tokenizer = try Fixtures.gpt2()
        let truncated = try #require(Fixtures.expected.gpt2ByteDecodes.first { $0.bytes == [0xF0, 0x9F, 0x98] })
        var stream = StreamingDecoder(tokenizer: tokenizer)
        #expect(truncated.ids.map { stream.feed($0) }.joined().isEmpty)
        #expect(Exact(stream.finish()) == Exact("\u{FFFD}"))
        #expect(tokenizer.encode("Hello").map { stream.feed($0) }.joined() == "Hello")
    }

    @Test func skipsSpecialTokensWhenAsked() throws {
        let tokenizer = try Fixtures.gpt2()
        let ids = tokenizer.encode("a<|endoftext|>b")
        var skipping = StreamingDecoder(tokenizer: tokenizer, skipSpecialTokens: true)
        var keeping = StreamingDecoder(tokenizer: tokenizer)
        #expect(ids.map { skipping.feed($0) }.joined() == "ab")
        #expect(ids.map { keeping.feed($0) }.joined() == "a<|endoftext|>b")
    }

    /// With SentencePiece decoders, token by token (Metaspace) or over a window of ids (Llama's ByteFallback, Fuse
    /// and Strip), the texts returned add up to the decoding of all ids, for every text of the corpus.
    @Test(arguments: ["unigram-t5", "unigram-sentencepiece", "unigram-llama-byte-fallback",
                      "unigram-llama-metaspace-first", "unigram-byte-fallback-ascii-only"])
    func sentencePieceStreamsAddUpToTheDecoding(_ name: String) throws {
        let expected = Fixtures.expectedTokenizer(name)
        let tokenizer = try Tokenizer.load(file: Fixtures.url(expected.path))
        for reference in expected.cases {
            var stream = StreamingDecoder(tokenizer: tokenizer)
            let text = reference.ids.map { stream.feed($0) }.joined() + stream.finish()
            #expect(Exact(text) == Exact(reference.decoded), "\(reference.ids)")
        }
    }

    /// A character spelled by byte-fallback tokens comes out whole once its last byte arrives.
    @Test func holdsBackByteFallbackCharacters() throws {
        let tokenizer = try Tokenizer.load(file: Fixtures.url("unigram-variants/llama-byte-fallback.json"))
        let ids = tokenizer.encode("The 中文 keeper", addSpecialTokens: false)
        #expect(ids.count > 8, "中 and 文 are three byte tokens each")
        var stream = StreamingDecoder(tokenizer: tokenizer)
        let chunks = ids.map { stream.feed($0) } + [stream.finish()]
        #expect(!chunks.joined().unicodeScalars.contains("\u{FFFD}"))
        #expect(chunks.contains { $0.hasSuffix("中") } && chunks.contains { $0 == "文" })
        #expect(chunks.joined() == "The 中文 keeper")
    }
}
