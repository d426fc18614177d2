import Foundation
import Testing

@testable import ZooTokenizers

/// BERT's tokenizer from a bare vocab.txt, as transformers builds it (expected values from transformers 5.23),
/// the errors of a broken one, and the special tokens that play each part.
@Suite final class WordPieceTests {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", ",", "!", "un", "##aff", "##able",
        "Hello", "<mask>",
    ]
    static let text = "Hello WORLDS, [MASK] unaffable!"
    static let pair = "Héllo <mask>"

    /// A fresh directory for one test's files.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ZooTokenizersTests-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func write(_ name: String, _ contents: String) -> URL {
        write(name, Data(contents.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) -> URL {
        let url = directory.appendingPathComponent(name)
        try! data.write(to: url)
        return url
    }

    @discardableResult
    func writeVocabulary(_ tokens: [String] = vocabulary) -> URL {
        write("vocab.txt", tokens.map { $0 + "\n" }.joined())
    }

    func expectError(at file: URL, mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try Tokenizer.load(directory: directory)
            Issue.record("loaded without an error", sourceLocation: sourceLocation)
        } catch let error as TokenizerError {
            #expect(error.path == file.path, "\(error)", sourceLocation: sourceLocation)
            for word in words {
                #expect(error.problem.contains(word), "\(error)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("not a TokenizerError: \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Without a config, BertTokenizer is uncased, with the special tokens [UNK] [SEP] [PAD] [CLS] [MASK].
    @Test func aBareVocabTextIsUncasedBERT() throws {
        let tokenizer = try Tokenizer.load(file: writeVocabulary())
        let encoding = tokenizer.encode(Self.text, pair: Self.pair)
        #expect(encoding.ids == [2, 5, 6, 7, 8, 4, 10, 11, 12, 9, 3, 5, 1, 1, 1, 3])
        #expect(encoding.typeIDs == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        let bare = tokenizer.encode(Self.text, pair: Self.pair, addSpecialTokens: false)
        #expect(bare.ids == [5, 6, 7, 8, 4, 10, 11, 12, 9, 5, 1, 1, 1])
        #expect(bare.typeIDs == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
        let decoded = "[CLS] hello worlds, [MASK] unaffable! [SEP] hello [UNK] [UNK] [UNK] [SEP]"
        #expect(tokenizer.decode(encoding.ids) == decoded)
        #expect(tokenizer.decode(encoding.ids, skipSpecialTokens: true) == "hello worlds, unaffable! hello")
        #expect(tokenizer.maskToken == "[MASK]" && tokenizer.maskTokenID == 4)
        #expect(tokenizer.padToken == "[PAD]" && tokenizer.padTokenID == 0)
        #expect(tokenizer.clsToken == "[CLS]" && tokenizer.clsTokenID == 2)
        #expect(tokenizer.sepToken == "[SEP]" && tokenizer.sepTokenID == 3)
        #expect(tokenizer.unknownToken == "[UNK]" && tokenizer.unknownTokenID == 1)
        #expect(tokenizer.vocabularySize == 15)
    }

    /// The config makes it cased with accents stripped, and names "<mask>" (which takes the space before it) as
    /// the mask and [UNK] as the padding; [MASK] is then no special token.
    @Test func theConfigChoosesCaseAccentsAndTokens() throws {
        writeVocabulary()
        write(
            "tokenizer_config.json",
            """
            {"do_lower_case": false, "strip_accents": true, "pad_token": "[UNK]", "cls_token": "[CLS]",
             "mask_token": {"__type": "AddedToken", "content": "<mask>", "lstrip": true, "rstrip": false,
                            "normalized": false, "single_word": false, "special": true}}
            """)
        let tokenizer = try Tokenizer.load(directory: directory)
        let encoding = tokenizer.encode(Self.text, pair: Self.pair)
        #expect(encoding.ids == [2, 13, 1, 8, 1, 1, 1, 10, 11, 12, 9, 3, 13, 14, 3])
        #expect(encoding.typeIDs == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1])
        #expect(encoding.tokens.last(where: { $0.contains("mask") }) == " <mask>")
        #expect(tokenizer.decode(encoding.ids, skipSpecialTokens: true) == "Hello, unaffable! Hello")
        #expect(tokenizer.maskToken == "<mask>" && tokenizer.maskTokenID == 14)
        #expect(tokenizer.padToken == "[UNK]" && tokenizer.padTokenID == 1)
        #expect(tokenizer.tokenID(special: "[MASK]") == nil)
    }

    /// Lines end as Python reads them: "\n", "\r\n" or a lone "\r".
    @Test func vocabTextLineEnds() throws {
        write("vocab.txt", "[UNK]\r\n[CLS]\r[SEP]\nhello\r\n##s")
        let tokenizer = try Tokenizer.load(directory: directory)
        #expect(tokenizer.encode("hellos") == [1, 3, 4, 2])
        #expect(tokenizer.vocabularySize == 7)
    }

    @Test func aRepeatedTokenIsAnErrorNamingItsLines() {
        let file = writeVocabulary(["[UNK]", "hello", "world", "hello"])
        expectError(at: file, mentioning: "line 4 repeats \"hello\", the token of line 2")
    }

    @Test func anEmptyLineIsAnError() {
        expectError(at: write("vocab.txt", "[UNK]\nhello\n\nworld\n"), mentioning: "line 3 is empty")
        expectError(at: write("vocab.txt", "[UNK]\r\n\r\nworld\r\n"), mentioning: "line 2 is empty")
        expectError(at: write("vocab.txt", ""), mentioning: "the file is empty")
    }

    @Test func aVocabularyWithoutTheUnknownTokenIsAnError() {
        let file = writeVocabulary(["[PAD]", "hello"])
        expectError(at: file, mentioning: "the unknown token \"[UNK]\" is not in the vocabulary")
        write("tokenizer_config.json", "{\"unk_token\": \"<unk>\"}")
        writeVocabulary()
        expectError(at: file, mentioning: "the unknown token \"<unk>\" is not in the vocabulary")
    }

    @Test func aTokenizerJSONWithoutTheUnknownTokenIsAnError() {
        let file = write(
            "tokenizer.json",
            """
            {"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 100, "vocab": {"hello": 0}}}
            """)
        expectError(at: file, mentioning: "the unknown token \"[UNK]\" is not in the vocabulary")
    }

    @Test func brokenVocabTextAndConfig() {
        let file = write("vocab.txt", Data([0x5B, 0x55, 0x4E, 0x4B, 0x5D, 0x0A, 0xFF, 0x0A]))
        expectError(at: file, mentioning: "not valid UTF-8")
        writeVocabulary()
        let config = write("tokenizer_config.json", "{\"do_lower_case\": \"yes\"}")
        expectError(at: config, mentioning: "do_lower_case: expected true or false, found a string")
        write("tokenizer_config.json", "{\"strip_accents\": 1}")
        expectError(at: config, mentioning: "strip_accents: expected true or false")
    }

    /// A tokenizer.json names no parts: special added tokens with BERT's and RoBERTa's contents play them,
    /// unless tokenizer_config.json beside it names others.
    @Test func partsGoToConventionalSpecialTokensUnlessTheConfigNamesOthers() throws {
        func addedToken(_ content: String, special: Bool = true) -> String {
            "{\"content\": \"\(content)\", \"special\": \(special), \"normalized\": false}"
        }
        let file = write(
            "tokenizer.json",
            """
            {"added_tokens": [\(addedToken("<s>")), \(addedToken("</s>")), \(addedToken("<pad>")),
                              \(addedToken("<mask>")), \(addedToken("[MASK]", special: false))],
             "model": {"type": "BPE", "vocab": {"<unk>": 0, "a": 1, "<pad>": 2, "<mask2>": 3}, "merges": [],
                       "unk_token": "<unk>"}}
            """)
        var tokenizer = try Tokenizer.load(file: file)
        #expect(tokenizer.maskToken == "<mask>" && tokenizer.maskTokenID == 6)
        #expect(tokenizer.padToken == "<pad>" && tokenizer.padTokenID == 2)
        #expect(tokenizer.clsToken == "<s>" && tokenizer.clsTokenID == 4)
        #expect(tokenizer.sepToken == "</s>" && tokenizer.sepTokenID == 5)
        #expect(tokenizer.unknownToken == nil, "<unk> is no special added token")

        write("tokenizer_config.json", "{\"mask_token\": \"<mask2>\", \"pad_token\": \"<none>\"}")
        tokenizer = try Tokenizer.load(file: file)
        #expect(tokenizer.maskToken == "<mask2>" && tokenizer.maskTokenID == 3)
        #expect(tokenizer.padToken == nil && tokenizer.padTokenID == nil, "a named token the tokenizer lacks")
        #expect(tokenizer.clsToken == "<s>")

        try FileManager.default.removeItem(at: directory.appendingPathComponent("tokenizer_config.json"))
        write("special_tokens_map.json", "{\"mask_token\": {\"content\": \"<mask2>\", \"lstrip\": true}}")
        #expect(try Tokenizer.load(file: file).maskTokenID == 3)
    }
}
