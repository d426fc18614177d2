import Foundation
import Testing
import ZooTokenizers

/// The split of `tokenizer.ggml.pre = smollm` (Digits with individual digits, then ByteLevel) as a tokenizer.json,
/// against the tokenizers library (Tools/make_llama_fixtures.py): the same ids on the hard corpus and on texts full
/// of numbers, ASCII and not.
@Test func theSmollmSplitGivesTheIdsOfTheTokenizersLibrary() throws {
    struct Expected: Decodable { let texts: [String]; let ids: [[Int]] }
    let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture("smollm-split.expected.json")))
    let tokenizer = try Tokenizer.load(directory: fixture("smollm-split"))
    for (text, ids) in zip(expected.texts, expected.ids) {
        #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
    }
}
