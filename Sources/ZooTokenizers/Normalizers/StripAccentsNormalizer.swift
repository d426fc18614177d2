/// Drops every mark, spacing and enclosing ones too (`"type": "StripAccents"`). It does not decompose: tokenizers
/// put an NFD normalizer before it.
struct StripAccentsNormalizer: Normalizer {
    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        forEachScalar(in: text) { value, character in
            if !ScalarTraits(value).contains(.combiningMark) { output.append(contentsOf: character) }
        }
        return output
    }

    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool {
        firstScalarValue(of: text).map { ScalarTraits($0).contains(.combiningMark) } ?? false
    }
}
