import Foundation
import Testing

@testable import ZooTokenizers

/// The fixtures that Tools/make_tokenizer_fixtures.py writes: tokenizer files and what the Python `tokenizers`
/// library makes of the corpus and its pairs of texts with each.
enum Fixtures {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func url(_ path: String) -> URL {
        directory.appendingPathComponent(path)
    }

    static let expected = load("expected.json")
    /// What Tools/make_unigram_fixtures.py records for the SentencePiece tokenizers, on a corpus with more texts.
    static let unigram = load("unigram_expected.json")

    /// The tokenizers of both files.
    static let allTokenizers = expected.tokenizers + unigram.tokenizers

    /// The file that recorded `tokenizer`, with the corpus and pairs it was given.
    static func recording(of tokenizer: ExpectedTokenizer) -> Expected {
        unigram.tokenizers.contains { $0.name == tokenizer.name } ? unigram : expected
    }

    static func expectedTokenizer(_ name: String) -> ExpectedTokenizer {
        allTokenizers.first { $0.name == name }!
    }

    private static func load(_ name: String) -> Expected {
        let data = try! Data(contentsOf: url(name))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }

    /// GPT-2's tokenizer, loaded once per process as it takes a moment.
    static func gpt2() throws -> Tokenizer {
        try gpt2Loaded.get()
    }

    private static let gpt2Loaded = Result { try Tokenizer.load(file: url("gpt2/vocab.json")) }
}

struct Expected: Decodable {
    let corpus: [String]
    let pairs: [[String]]
    let tokenizers: [ExpectedTokenizer]
    let gpt2ByteDecodes: [ByteDecode]
    let preTokenizers: [PreTokenizerWords]

    enum CodingKeys: String, CodingKey {
        case corpus, pairs, tokenizers
        case gpt2ByteDecodes = "gpt2_byte_decodes"
        case preTokenizers = "pre_tokenizers"
    }
}

struct ExpectedTokenizer: Decodable, CustomTestStringConvertible, Sendable {
    struct Case: Decodable, Sendable {
        let ids: [Int]
        let typeIDs: [Int]
        let tokens: [String]
        let decoded: String
        let decodedSkippingSpecial: String

        enum CodingKeys: String, CodingKey {
            case ids, tokens, decoded
            case typeIDs = "type_ids"
            case decodedSkippingSpecial = "decoded_skipping_special"
        }
    }

    struct PairCase: Decodable, Sendable {
        let ids: [Int]
        let typeIDs: [Int]
        let tokens: [String]

        enum CodingKeys: String, CodingKey {
            case ids, tokens
            case typeIDs = "type_ids"
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
    /// The special token and id that transformers gives each part ("mask", "pad", "cls", "sep", "unk"), for the
    /// tokenizers transformers reads too.
    let roles: [String: Pair<String, Int>?]?
    let cases: [Case]
    let pairCases: [PairCase]

    enum CodingKeys: String, CodingKey {
        case name, path, roles, cases
        case vocabularySize = "vocabulary_size"
        case specialTokens = "special_tokens"
        case idToToken = "id_to_token"
        case pairCases = "pair_cases"
    }

    var testDescription: String { name }
}

/// A pre-tokenizer as tokenizer.json writes it, and the words it cuts each text into.
struct PreTokenizerWords: Decodable, CustomTestStringConvertible, Sendable {
    let preTokenizer: String
    let texts: [String]
    let words: [[String]]

    enum CodingKeys: String, CodingKey {
        case texts, words
        case preTokenizer = "pre_tokenizer"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let object = try container.decode([String: String].self, forKey: .preTokenizer)
        preTokenizer = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        texts = try container.decode([String].self, forKey: .texts)
        words = try container.decode([[String]].self, forKey: .words)
    }

    var testDescription: String { preTokenizer }
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
