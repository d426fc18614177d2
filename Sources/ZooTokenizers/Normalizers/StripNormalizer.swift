/// Removes the whitespace at the start, the end or both of the text (`"type": "Strip"`). Like every normalizer it
/// sees the text between added tokens one piece at a time, so it strips around each added token too.
struct StripNormalizer: Normalizer {
    let left: Bool
    let right: Bool

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var start = 0
        var end = text.count
        if left {
            while start < end {
                let length = utf8Length(leadingByte: text[start])
                guard isWhitespace(UnsafeBufferPointer(rebasing: text[start..<start + length])) else { break }
                start += length
            }
        }
        if right {
            while end > start {
                var characterStart = end - 1
                while text[characterStart] & 0xC0 == 0x80 { characterStart -= 1 }
                guard isWhitespace(UnsafeBufferPointer(rebasing: text[characterStart..<end])) else { break }
                end = characterStart
            }
        }
        return Array(text[start..<end])
    }

    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool {
        left && (firstScalarValue(of: text).map { ScalarTraits($0).contains(.whitespace) } ?? false)
    }

    private func isWhitespace(_ character: UnsafeBufferPointer<UInt8>) -> Bool {
        ScalarTraits(UInt32(scalarValue(character))).contains(.whitespace)
    }
}
