import Foundation
import Testing

@testable import ZooTokenizers

/// json-c reads the tokenizer's JSON: values keep their JSON types and their bytes, and whatever json-c would
/// let through or change is an error naming the file.
@Suite struct JSONDocumentTests {
    static let file = "/models/x/tokenizer.json"

    func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Data(text.utf8), file: Self.file)
    }

    /// Expects `body` to fail with an error for the file whose problem mentions each of `words`.
    func expectError(
        mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("no error", sourceLocation: sourceLocation)
        } catch let error as TokenizerError {
            #expect(error.path == Self.file, sourceLocation: sourceLocation)
            for word in words {
                #expect(error.problem.contains(word), "\(error)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("not a TokenizerError: \(error)", sourceLocation: sourceLocation)
        }
    }

    func expectInvalid(_ bytes: [UInt8], mentioning words: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        expectError(mentioning: "not valid JSON", words, sourceLocation: sourceLocation) {
            _ = try JSONValue.parse(Data(bytes), file: Self.file)
        }
    }

    func expectInvalid(_ text: String, mentioning words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectInvalid(Array(text.utf8), mentioning: words, sourceLocation: sourceLocation)
    }

    @Test func integersFractionsAndBooleansStayApart() throws {
        let object = try parse(
            #"{"int": 1, "fraction": 1.0, "exponent": 1e2, "bool": true, "null": null, "negative": -3,"#
                + #" "huge": 18446744073709551615}"#
        ).object()
        #expect(try object.required("int").integer() == 1)
        #expect(try object.required("int").number() == 1)
        #expect(try object.required("negative").integer() == -3)
        #expect(try object.required("fraction").number() == 1)
        #expect(try object.required("bool").bool())
        #expect(object["null"] == nil)
        expectError(mentioning: "fraction: expected an integer, found the number 1.0") {
            _ = try object.required("fraction").integer()
        }
        expectError(mentioning: "exponent: expected an integer, found the number 1e2") {
            _ = try object.required("exponent").integer()
        }
        expectError(mentioning: "bool: expected an integer, found a boolean") {
            _ = try object.required("bool").integer()
        }
        expectError(mentioning: "bool: expected a number, found a boolean") { _ = try object.required("bool").number() }
        expectError(mentioning: "int: expected true or false, found the number 1") {
            _ = try object.required("int").bool()
        }
        expectError(mentioning: "huge: expected an integer, found the number 18446744073709551615") {
            _ = try object.required("huge").integer()
        }
    }

    @Test func stringsAndKeysKeepTheirBytes() throws {
        let object = try parse(#"{"\u00e9": 0, "e\u0301": 1, "nul": "a\u0000b", "emoji": "\ud83d\ude00 \"\\u0000\""}"#)
            .object()
        let keys = object.map { key, _ in Exact(key) }
        #expect(keys == [Exact("\u{E9}"), Exact("e\u{301}"), Exact("nul"), Exact("emoji")])
        #expect(try Array(object.required("nul").string().utf8) == [0x61, 0x00, 0x62])
        #expect(try Exact(object.required("emoji").string()) == Exact("\u{1F600} \"\\u0000\""))
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        let object = try parse(#"{"a": 1, "b": 2, "a": 3}"#).object()
        #expect(try object.required("a").integer() == 3)
        #expect(object.map { key, _ in key } == ["a", "b"])
    }

    /// 128 levels, as serde_json allows.
    @Test func nestingDeeperThan128LevelsIsAnError() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        }
        var value = try parse(nested(128))
        for _ in 1..<128 { value = try value.array()[0] }
        #expect(try value.array().isEmpty)
        expectInvalid(nested(129), mentioning: "nesting too deep at byte offset 128")
    }

    @Test func textThatIsNotJSON() {
        expectInvalid([], mentioning: "the file is empty")
        expectInvalid(" \n", mentioning: "unexpected end of data")
        expectInvalid("not json", mentioning: "null expected at byte offset 1")
        expectInvalid(#"{"a": [1, 2"#, mentioning: "unexpected end of data")
        expectInvalid(#"{"a": [1,]}"#, mentioning: "unexpected character")
        expectInvalid("{a: 1}", mentioning: "quoted object property name expected at byte offset 1")
        expectInvalid("[1] // comment", mentioning: "unexpected character at byte offset 4")
    }

    @Test func onlyOneValue() {
        expectInvalid("{} x", mentioning: "unexpected character at byte offset 3")
        expectInvalid("{}{}", mentioning: "unexpected character at byte offset 2")
        expectInvalid("1 2", mentioning: "unexpected character at byte offset 2")
        // json-c would stop reading at a NUL byte.
        expectInvalid([0x7B, 0x7D, 0x00, 0x78], mentioning: "a NUL byte at byte offset 2")
        expectInvalid(
            Array(#"{"a": "b"#.utf8) + [0x00] + Array(#"c"}"#.utf8), mentioning: "a NUL byte at byte offset 8")
    }

    @Test func invalidUTF8() {
        expectInvalid([0x5B, 0x22, 0xFF, 0x22, 0x5D], mentioning: "invalid UTF-8 at byte offset 2")
        // Sequences of the right shape that json-c's own check lets through: overlong, a surrogate, truncated.
        expectInvalid([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], mentioning: "invalid UTF-8 at byte offset 2")
        expectInvalid([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], mentioning: "invalid UTF-8 at byte offset 2")
        expectInvalid([0x7B, 0x22, 0x61, 0xE2, 0x82, 0x22, 0x3A, 0x31, 0x7D], mentioning: "invalid UTF-8")
    }

    @Test func escapesThatJSONCWouldChange() throws {
        expectInvalid(#"["\ud800"]"#, mentioning: "an unpaired surrogate escape at byte offset 2")
        expectInvalid(#"["a\ud800\u0041"]"#, mentioning: "an unpaired surrogate escape at byte offset 3")
        expectInvalid(#"["\\\udc00"]"#, mentioning: "an unpaired surrogate escape at byte offset 4")
        expectInvalid(#"{"a\u0000b" : 1}"#, mentioning: "a key holds \\u0000 at byte offset 3")
        // Only a key cannot hold a NUL; "\\u0000" is a backslash and "u0000".
        let keys = try parse(#"{"a": "\u0000", "\\u0000": ["\u0000"]}"#).object().map { key, _ in key }
        #expect(keys == ["a", "\\u0000"])
    }

    @Test func aTopLevelValueOtherThanAnObject() throws {
        #expect(try parse("12").integer() == 12)
        #expect(try parse(" \"x\" ").string() == "x")
        expectError(mentioning: "expected an object, found the number 12") { _ = try parse("12").object() }
        expectError(mentioning: "expected an object, found null") { _ = try parse("null").object() }
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try parse("\u{FEFF}{\"a\": 1}").object().required("a").integer() == 1)
        expectInvalid([0xEF, 0xBB, 0xBF, 0x7B, 0x7D, 0x20, 0x78], mentioning: "at byte offset 6")
    }
}
