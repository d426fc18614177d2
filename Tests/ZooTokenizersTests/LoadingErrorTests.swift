import Foundation
import Testing

@testable import ZooTokenizers

/// Each malformed input is a `TokenizerError` that names the file at fault and the problem.
@Suite final class LoadingErrorTests {
    /// A small valid tokenizer.json that each test breaks in one way.
    static var valid: [String: Any] {
        [
            "version": "1.0",
            "truncation": NSNull(),
            "padding": NSNull(),
            "added_tokens": [
                [
                    "id": 3, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false,
                    "normalized": false, "special": true,
                ] as [String: Any]
            ],
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": [
                "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true,
            ],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": ["a": 0, "b": 1, "ab": 2, "<|endoftext|>": 3], "merges": [["a", "b"]],
            ] as [String: Any],
        ]
    }

    /// A fresh directory for one test's files.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ZooTokenizersTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ contents: String) -> URL {
        write(name, Data(contents.utf8))
    }

    func write(_ name: String, _ data: Data) -> URL {
        let url = directory.appendingPathComponent(name)
        try! data.write(to: url)
        return url
    }

    /// Writes `valid` changed by `change` as tokenizer.json.
    func tokenizerJSON(_ change: (inout [String: Any]) -> Void) -> URL {
        var json = Self.valid
        change(&json)
        return write("tokenizer.json", try! JSONSerialization.data(withJSONObject: json))
    }

    func model(_ change: (inout [String: Any]) -> Void) -> URL {
        tokenizerJSON { json in
            var model = json["model"] as! [String: Any]
            change(&model)
            json["model"] = model
        }
    }

    /// Expects loading to fail with an error for `file` whose problem mentions each of `words`.
    func expectError(
        at file: URL, mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation,
        _ load: () throws -> Tokenizer
    ) {
        expectError(at: file, mentioning: words, sourceLocation: sourceLocation, load)
    }

    func expectError(
        at file: URL, mentioning words: [String], sourceLocation: SourceLocation, _ load: () throws -> Tokenizer
    ) {
        do {
            _ = try load()
            Issue.record("loaded without an error", sourceLocation: sourceLocation)
        } catch let error as TokenizerError {
            #expect(error.path == file.path, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description == "\(file.path): \(error.problem)", sourceLocation: sourceLocation)
            for word in words {
                #expect(error.problem.contains(word), "\(error)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("not a TokenizerError: \(error)", sourceLocation: sourceLocation)
        }
    }

    func expectTokenizerJSONError(
        _ file: URL, mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectError(at: file, mentioning: words, sourceLocation: sourceLocation) { try Tokenizer.load(file: file) }
    }

    @Test func theValidFileLoads() throws {
        let tokenizer = try Tokenizer.load(file: tokenizerJSON { _ in })
        #expect(tokenizer.encode("abab<|endoftext|>") == [2, 2, 3])
    }

    @Test func missingFilesAndDirectories() {
        let missing = directory.appendingPathComponent("absent.json")
        expectError(at: missing, mentioning: "no such file") { try Tokenizer.load(file: missing) }
        let noDirectory = directory.appendingPathComponent("absent")
        expectError(at: noDirectory, mentioning: "no such directory") { try Tokenizer.load(directory: noDirectory) }
        expectError(at: directory, mentioning: "has no tokenizer.json, vocab.json, vocab.txt or words.txt") {
            try Tokenizer.load(directory: directory)
        }
        let file = write("plain.txt", "x")
        expectError(at: file, mentioning: "not a directory") { try Tokenizer.load(directory: file) }
    }

    @Test func notJSON() {
        expectTokenizerJSONError(write("tokenizer.json", "{\"model\": "), mentioning: "not valid JSON")
        expectTokenizerJSONError(
            write("tokenizer.json", Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])), mentioning: "not valid JSON")
        expectTokenizerJSONError(write("tokenizer.json", "[1, 2]"), mentioning: "expected an object, found an array")
    }

    @Test func wrongTypes() {
        expectTokenizerJSONError(
            model { $0["vocab"] = [1, 2] }, mentioning: "model.vocab: expected an object, found an array")
        expectTokenizerJSONError(
            model { $0["vocab"] = ["a": "zero"] }, mentioning: "model.vocab[\"a\"]: expected an integer, found a string"
        )
        expectTokenizerJSONError(
            model { $0["vocab"] = ["a": 1.5] }, mentioning: "expected an integer, found the number 1.5")
        expectTokenizerJSONError(
            model { $0["vocab"] = ["a": true] }, mentioning: "expected an integer, found a boolean")
        expectTokenizerJSONError(model { $0["vocab"] = ["a": -1] }, mentioning: "\"a\" has id -1")
        expectTokenizerJSONError(model { $0["merges"] = "a b" }, mentioning: "model.merges: expected an array")
        expectTokenizerJSONError(
            model { $0["merges"] = [["a", "b", "c"]] }, mentioning: "model.merges[0]: expected a merge of two tokens")
        expectTokenizerJSONError(model { $0["merges"] = ["a b c"] }, mentioning: "model.merges[0]", "\"a b c\"")
        expectTokenizerJSONError(
            model { $0["merges"] = [[1, 2]] }, mentioning: "model.merges[0][0]: expected a string, found the number 1")
        expectTokenizerJSONError(model { $0["fuse_unk"] = 1 }, mentioning: "model.fuse_unk: expected true or false")
        expectTokenizerJSONError(model { $0.removeValue(forKey: "vocab") }, mentioning: "model: missing \"vocab\"")
        expectTokenizerJSONError(
            tokenizerJSON { $0["added_tokens"] = [["id": 5]] }, mentioning: "added_tokens[0]: missing \"content\"")
        expectTokenizerJSONError(
            tokenizerJSON { $0["pre_tokenizer"] = "ByteLevel" }, mentioning: "pre_tokenizer: expected an object")
    }

    @Test func mergesOutsideTheVocabulary() {
        expectTokenizerJSONError(
            model { $0["merges"] = [["a", "c"]] }, mentioning: "merge 1", "\"c\"", "not in the vocabulary")
        expectTokenizerJSONError(
            model { $0["merges"] = [["b", "a"]] }, mentioning: "merge 1", "\"ba\"", "not in the vocabulary")
    }

    @Test func unsupportedComponents() {
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFC"], ["type": "Nmt"]]]
            },
            mentioning: "normalizer.normalizers[1]: normalizer type \"Nmt\" is not supported")
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["normalizer"] = ["type": "Replace", "pattern": ["Regex": "a|b"], "content": " "]
            },
            mentioning: "normalizer.pattern.Regex: the regular expression \"a|b\" is not supported")
        expectTokenizerJSONError(
            tokenizerJSON { $0["normalizer"] = ["type": "Replace", "pattern": ["String": ""], "content": " "] },
            mentioning: "normalizer.pattern.String: an empty pattern is not supported")
        expectTokenizerJSONError(
            tokenizerJSON { $0["pre_tokenizer"] = ["type": "Punctuation", "behavior": "Sideways"] },
            mentioning: "pre_tokenizer.behavior: unknown behavior \"Sideways\"")
        expectTokenizerJSONError(
            tokenizerJSON { $0["pre_tokenizer"] = ["type": "UnicodeScripts"] },
            mentioning: "pre_tokenizer type \"UnicodeScripts\"")
        expectTokenizerJSONError(
            tokenizerJSON { $0["post_processor"] = ["type": "Custom"] }, mentioning: "post_processor type \"Custom\"")
        expectTokenizerJSONError(
            tokenizerJSON { $0["decoder"] = ["type": "CTC"] }, mentioning: "decoder type \"CTC\"")
        expectTokenizerJSONError(model { $0["dropout"] = 0.1 }, mentioning: "model.dropout", "not supported")
        expectTokenizerJSONError(tokenizerJSON { $0["version"] = "2.0" }, mentioning: "unsupported version \"2.0\"")
    }

    /// A model the runtime does not implement is an error naming its type, in an error naming the file.
    @Test func unimplementedModelTypesAreNamed() {
        for type in ["WordLevel", "Bigram"] {
            expectTokenizerJSONError(
                model { $0["type"] = type }, mentioning: "model: model type \"\(type)\" is not supported")
        }
    }

    func unigram(_ change: (inout [String: Any]) -> Void) -> URL {
        tokenizerJSON { json in
            var model: [String: Any] = [
                "type": "Unigram", "unk_id": 0, "byte_fallback": false,
                "vocab": [["<unk>", 0.0], ["a", -1.5], ["b", -2]],
            ]
            change(&model)
            json["model"] = model
            json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"]
            json["decoder"] = NSNull()
        }
    }

    @Test func brokenUnigramModels() throws {
        #expect(try Tokenizer.load(file: unigram { _ in }).encode("ab a") == [0, 1, 2, 0, 1])
        expectTokenizerJSONError(unigram { $0["unk_id"] = 3 }, mentioning: "model.unk_id: unk_id 3 is not the id")
        expectTokenizerJSONError(unigram { $0["unk_id"] = -1 }, mentioning: "model.unk_id")
        expectTokenizerJSONError(
            unigram { $0["vocab"] = [["a"]] }, mentioning: "model.vocab[0]: expected a piece and its score")
        expectTokenizerJSONError(
            unigram { $0["vocab"] = [["a", "high"]] },
            mentioning: "model.vocab[0][1]: expected a number, found a string")
        expectTokenizerJSONError(
            unigram { $0["vocab"] = ["a": 1] }, mentioning: "model.vocab: expected an array, found an object")
        expectTokenizerJSONError(unigram { $0.removeValue(forKey: "vocab") }, mentioning: "model: missing \"vocab\"")
    }

    @Test func brokenSentencePieceComponents() {
        func precompiled(_ charsmap: String) -> URL {
            tokenizerJSON { $0["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": charsmap] }
        }
        expectTokenizerJSONError(
            precompiled("not base64!"), mentioning: "normalizer.precompiled_charsmap: not valid base64")
        expectTokenizerJSONError(precompiled("AAA="), mentioning: "shorter than its 4-byte header")
        // A trie of 64 bytes in a blob of 8.
        expectTokenizerJSONError(precompiled("QAAAAAAAAAA="), mentioning: "its trie of 64 bytes does not fit")
        // One trie unit, then replacements that are not UTF-8.
        expectTokenizerJSONError(precompiled("BAAAAAAAAAD/"), mentioning: "not valid UTF-8")
        expectTokenizerJSONError(
            tokenizerJSON { $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "__"] },
            mentioning: "pre_tokenizer.replacement: expected one character")
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": "sometimes"]
            },
            mentioning: "pre_tokenizer.prepend_scheme: unknown prepend_scheme \"sometimes\"")
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "add_prefix_space": false]
            },
            mentioning: "add_prefix_space false does not match prepend_scheme \"always\"")
        expectTokenizerJSONError(
            tokenizerJSON { $0["decoder"] = ["type": "Strip", "content": " ", "start": -1, "stop": 0] },
            mentioning: "decoder.start: expected a count, found -1")
    }

    /// transformers turns them off for a call that does not ask for them: one text is encoded whole.
    @Test func truncationAndPaddingAreLeftOut() throws {
        let tokenizer = try Tokenizer.load(
            file: tokenizerJSON {
                $0["truncation"] = ["max_length": 1, "strategy": "LongestFirst", "stride": 0]
                $0["padding"] = ["strategy": ["Fixed": 8], "pad_id": 3, "pad_token": "<|endoftext|>"]
            })
        #expect(tokenizer.encode("abab") == [2, 2])
    }

    @Test func brokenTemplates() {
        let sequenceA: [String: Any] = ["Sequence": ["id": "A", "type_id": 0]]
        let sequenceB: [String: Any] = ["Sequence": ["id": "B", "type_id": 0]]
        let special: [String: Any] = ["SpecialToken": ["id": "<s>", "type_id": 0]]
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["post_processor"] = ["type": "TemplateProcessing", "single": [sequenceB], "special_tokens": [:]]
            },
            mentioning: "sequence A")
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["post_processor"] = ["type": "TemplateProcessing", "single": [special], "special_tokens": [:]]
            },
            mentioning: "\"<s>\" is missing from special_tokens")
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["post_processor"] = ["type": "RobertaProcessing", "cls": ["<s>"], "sep": ["</s>", 2]]
            },
            mentioning: "post_processor.cls: expected [token, id]")
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["post_processor"] = ["type": "TemplateProcessing", "single": [sequenceA], "special_tokens": [:]]
            },
            mentioning: "post_processor: missing \"pair\"")
        let sequenceC: [String: Any] = ["Sequence": ["id": "C", "type_id": 1]]
        expectTokenizerJSONError(
            tokenizerJSON {
                $0["post_processor"] = [
                    "type": "TemplateProcessing", "single": [sequenceA], "pair": [sequenceA, sequenceC],
                    "special_tokens": [:],
                ]
            },
            mentioning: "post_processor.pair[1].Sequence.id: expected sequence A or B")
    }

    @Test func brokenVocabAndMergesFiles() {
        let vocabulary = write("vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2}")
        let merges = directory.appendingPathComponent("merges.txt")
        expectError(at: merges, mentioning: "no such file") { try Tokenizer.load(file: vocabulary) }

        _ = write("merges.txt", "#version: 0.2\na b\na b c\n")
        expectError(at: merges, mentioning: "line 3", "\"a b c\"") { try Tokenizer.load(file: vocabulary) }
        _ = write("merges.txt", "a b\n\n")
        expectError(at: merges, mentioning: "line 2") { try Tokenizer.load(file: vocabulary) }
        _ = write("merges.txt", Data([0x61, 0x20, 0xFF, 0x0A]))
        expectError(at: merges, mentioning: "not valid UTF-8") { try Tokenizer.load(file: vocabulary) }
        _ = write("merges.txt", "a c\n")
        expectError(at: merges, mentioning: "\"c\"", "not in the vocabulary") {
            try Tokenizer.load(directory: directory)
        }

        _ = write("merges.txt", "#version: 0.2\r\na b\r\n")
        #expect((try? Tokenizer.load(file: vocabulary).encode("ab")) == [2])

        let config = write("tokenizer_config.json", "{\"added_tokens_decoder\": {\"x\": {}}}")
        expectError(at: config, mentioning: "\"x\" is not an id") { try Tokenizer.load(file: vocabulary) }
        _ = write("tokenizer_config.json", "{\"eos_token\": 7}")
        expectError(at: config, mentioning: "eos_token: expected an object, found the number 7") {
            try Tokenizer.load(file: vocabulary)
        }
        _ = write("tokenizer_config.json", "not json")
        expectError(at: config, mentioning: "not valid JSON") { try Tokenizer.load(file: vocabulary) }

        let badVocabulary = write("other-vocab.json", "{\"a\": [0]}")
        expectError(at: badVocabulary, mentioning: "[\"a\"]: expected an integer") {
            try Tokenizer.load(file: badVocabulary)
        }
        let otherMerges = directory.appendingPathComponent("other-merges.txt")
        let namedVocabulary = write("other-vocab.json", "{\"a\": 0}")
        expectError(at: otherMerges, mentioning: "no such file") { try Tokenizer.load(file: namedVocabulary) }
    }

    /// A tokenizer.json with a broken "model" is an error about that file, not a vocab.json missing its merges.
    @Test func aFileNamedTokenizerJSONIsReadAsOne() {
        let broken = write("tokenizer.json", "{\"model\": 3}")
        _ = write("vocab.json", "{\"a\": 0}")
        _ = write("merges.txt", "")
        let wrongModel = "model: expected an object, found the number 3"
        expectError(at: broken, mentioning: wrongModel) { try Tokenizer.load(directory: directory) }
        expectError(at: broken, mentioning: wrongModel) { try Tokenizer.load(file: broken) }
        let named = write("gpt2-tokenizer.json", "{\"model\": [\"a\"]}")
        expectError(at: named, mentioning: "model: expected an object, found an array") {
            try Tokenizer.load(file: named)
        }
        let noModel = write("tokenizer.json", "{\"a\": 0}")
        expectError(at: noModel, mentioning: "missing \"model\"") { try Tokenizer.load(directory: directory) }
    }

    /// Under another name, a file whose "model" is an object is a tokenizer.json, and any other a vocab.json.
    @Test func otherFilesAreReadByTheirContent() throws {
        let renamed = write("gpt2.json", try JSONSerialization.data(withJSONObject: Self.valid))
        #expect(try Tokenizer.load(file: renamed).encode("abab<|endoftext|>") == [2, 2, 3])

        let vocabulary = write("vocab.json", "{\"model\": 0, \"a\": 1, \"b\": 2, \"ab\": 3}")
        _ = write("merges.txt", "a b\n")
        let tokenizer = try Tokenizer.load(file: vocabulary)
        #expect(tokenizer.id(for: "model") == 0)
        #expect(tokenizer.encode("ab") == [3])
    }

    /// Tokens are told apart by their bytes, as json-c keeps keys: "é" and "e\u{301}" are two tokens.
    @Test func canonicallyEquivalentTokensStayApart() throws {
        let file = write(
            "tokenizer.json", #"{"model": {"type": "BPE", "vocab": {"\u00e9": 0, "e\u0301": 1}, "merges": []}}"#)
        let tokenizer = try Tokenizer.load(file: file)
        #expect(tokenizer.vocabularySize == 2)
        #expect(tokenizer.id(for: "\u{E9}") == 0)
        #expect(tokenizer.id(for: "e\u{301}") == 1)
        #expect(tokenizer.token(for: 1).map(Exact.init) == Exact("e\u{301}"))
    }

    @Test func invalidUTF8OrTrailingTextInATokenizerJSON() throws {
        let overlong = write("tokenizer.json", Data([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D]))
        expectTokenizerJSONError(overlong, mentioning: "not valid JSON: invalid UTF-8 at byte offset 2")
        let trailing = tokenizerJSON { _ in }
        var data = try Data(contentsOf: trailing)
        data.append(contentsOf: Array(" {}".utf8))
        expectTokenizerJSONError(write("tokenizer.json", data), mentioning: "not valid JSON: unexpected character")
        expectTokenizerJSONError(write("tokenizer.json", ""), mentioning: "not valid JSON: the file is empty")
    }
}
