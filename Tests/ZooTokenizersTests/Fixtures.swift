import Foundation
import Testing

@testable import ZooTokenizers

/// The fixtures that Tools/make_tokenizer_fixtures.py writes: tokenizer files and what the Python `tokenizers`
/// library makes of the hard corpus with each.
enum Fixtures {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func url(_ path: String) -> URL {
        directory.appendingPathComponent(path)
    }

    static let expected: Expected = {
        let data = try! Data(contentsOf: url("expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()

    static func expectedTokenizer(_ name: String) -> ExpectedTokenizer {
        expected.tokenizers.first { $0.name == name }!
    }

    /// GPT-2's tokenizer, loaded once per process as it takes a moment.
    static func gpt2() throws -> Tokenizer {
        try gpt2Loaded.get()
    }

    private static let gpt2Loaded = Result { try Tokenizer.load(file: url("gpt2/vocab.json")) }
}

struct Expected: Decodable {
    let corpus: [String]
    let tokenizers: [ExpectedTokenizer]
    let gpt2ByteDecodes: [ByteDecode]

    enum CodingKeys: String, CodingKey {
        case corpus, tokenizers
        case gpt2ByteDecodes = "gpt2_byte_decodes"
    }
}

struct ExpectedTokenizer: Decodable, CustomTestStringConvertible, Sendable {
    struct Case: Decodable, Sendable {
        let ids: [Int]
        let tokens: [String]
        let decoded: String
        let decodedSkippingSpecial: String

        enum CodingKeys: String, CodingKey {
            case ids, tokens, decoded
            case decodedSkippingSpecial = "decoded_skipping_special"
        }
    }

    /// `[content, id]` and `[id, token or null]` pairs.
    struct Pair<First: Decodable & Sendable, Second: Decodable & Sendable>: Decodable, Sendable {
        let first: First
        let second: Second

        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            first = try container.decode(First.self)
            second = try container.decode(Second.self)
        }
    }

    let name: String
    let path: String
    let vocabularySize: Int
    let specialTokens: [Pair<String, Int>]
    let idToToken: [Pair<Int, String?>]
    let cases: [Case]

    enum CodingKeys: String, CodingKey {
        case name, path, cases
        case vocabularySize = "vocabulary_size"
        case specialTokens = "special_tokens"
        case idToToken = "id_to_token"
    }

    var testDescription: String { name }
}

struct ByteDecode: Decodable, Sendable {
    let bytes: [UInt8]
    let ids: [Int]
    let decoded: String
}

/// A string compared scalar by scalar: Swift's `==` takes "é" and "e\u{301}" for equal, which would hide
/// exactly the differences these tests look for.
struct Exact: Equatable, CustomStringConvertible {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: Exact, rhs: Exact) -> Bool {
        lhs.text.unicodeScalars.elementsEqual(rhs.text.unicodeScalars)
    }

    var description: String { text.debugDescription }
}
