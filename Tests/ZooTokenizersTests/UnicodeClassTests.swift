import Foundation
import Testing

@testable import ZooTokenizers

/// The split pattern's character classes against the ones the regex engine inside `tokenizers` uses,
/// for every Unicode scalar.
@Test func scalarClassesMatchTheReferenceEngine() throws {
    let data = try Data(contentsOf: Fixtures.url("unicode_classes.json"))
    let ranges = try JSONDecoder().decode([String: [[UInt32]]].self, from: data)
    var expected = [ScalarClass](repeating: .other, count: 0x11_0000)
    for (name, scalarClass) in [("whitespace", ScalarClass.whitespace), ("letter", .letter), ("number", .number)] {
        let classRanges = try #require(ranges[name])
        #expect(!classRanges.isEmpty)
        for range in classRanges {
            for value in range[0]...range[1] { expected[Int(value)] = scalarClass }
        }
    }
    var mismatches: [String] = []
    for value in UInt32(0)..<0x11_0000 where !(0xD800...0xDFFF).contains(value) {
        let found = ScalarClass(value)
        if found != expected[Int(value)] {
            mismatches.append(
                "U+\(String(value, radix: 16, uppercase: true)): \(found), expected \(expected[Int(value)])")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}
