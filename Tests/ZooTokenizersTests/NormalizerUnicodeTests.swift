import Foundation
import Testing

@testable import ZooTokenizers

/// The normalizers and pre-tokenizers of BERT-family tokenizers against the Python library, for every scalar
/// (Fixtures/normalizer_unicode.json): each crate inside `tokenizers` has its own Unicode version.
@Suite struct NormalizerUnicodeTests {
    struct Table: Decodable {
        /// Inclusive ranges of scalars.
        let classes: [String: [[UInt32]]]
        let blockSize: Int
        let digests: [String: [String]]

        enum CodingKeys: String, CodingKey {
            case classes, digests
            case blockSize = "block_size"
        }
    }

    static let data = try! Data(contentsOf: Fixtures.url("normalizer_unicode.json"))
    static let table = try! JSONDecoder().decode(Table.self, from: data)

    /// The scalars that WhitespaceSplit drops, that Punctuation isolates and that Whitespace counts as word
    /// characters.
    @Test func scalarClasses() throws {
        let traits: [(name: String, trait: ScalarTraits)] = [
            ("whitespace", .whitespace), ("punctuation", .punctuation), ("word", .wordCharacter),
        ]
        var expected = [ScalarTraits](repeating: [], count: 0x11_0000)
        for (name, trait) in traits {
            let ranges = try #require(Self.table.classes[name])
            #expect(!ranges.isEmpty)
            for range in ranges {
                for value in range[0]...range[1] { expected[Int(value)].insert(trait) }
            }
        }
        let all: ScalarTraits = [.whitespace, .punctuation, .wordCharacter]
        var mismatches: [String] = []
        for value in UInt32(0)..<0x11_0000 where !(0xD800...0xDFFF).contains(value) {
            let found = ScalarTraits(value).intersection(all)
            if found != expected[Int(value)] {
                let scalar = "U+\(String(value, radix: 16, uppercase: true))"
                mismatches.append("\(scalar): \(found.rawValue), expected \(expected[Int(value)].rawValue)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    /// Each block of scalars, joined by "|", through the normalizer, its output digested as the fixture
    /// script does. The "|" keeps the scalars apart, so this is each scalar's own output.
    @Test(arguments: table.digests.keys.sorted())
    func normalizer(_ name: String) throws {
        let fixture = try JSONValue.parse(Self.data, file: "normalizer_unicode.json").object()
        let normalizer = try NormalizerFromJSON.normalizer(try fixture.required("normalizers").object().required(name))
        let blockSize = Self.table.blockSize
        var differing: [String] = []
        for (index, digest) in try #require(Self.table.digests[name]).enumerated() {
            var block: [UInt8] = []
            let scalars = UInt32(index * blockSize)..<UInt32((index + 1) * blockSize)
            for value in scalars where !(0xD800...0xDFFF).contains(value) {
                if !block.isEmpty { block.append(UInt8(ascii: "|")) }
                appendUTF8(value, to: &block)
            }
            let output = block.withUnsafeBufferPointer { normalizer.normalize($0) }
            let hash = output.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
            if String(format: "%016llx", hash) != digest {
                differing.append("U+\(String(index * blockSize, radix: 16, uppercase: true))")
            }
        }
        #expect(differing.isEmpty, "\(name) differs in the blocks of \(blockSize) scalars from \(differing)")
    }
}
