// Reading Unicode scalars straight from UTF-8 bytes, which is how text travels through the tokenizer.

/// The length of the UTF-8 sequence a byte starts (the text is valid UTF-8).
@inline(__always)
func utf8Length(leadingByte byte: UInt8) -> Int {
    byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
}

/// The scalar value of one UTF-8 encoded character.
@inline(__always)
func scalarValue(_ character: UnsafeBufferPointer<UInt8>) -> Int {
    let lead = Int(character[0])
    switch character.count {
    case 1: return lead
    case 2: return (lead & 0x1F) << 6 | Int(character[1] & 0x3F)
    case 3: return (lead & 0x0F) << 12 | Int(character[1] & 0x3F) << 6 | Int(character[2] & 0x3F)
    default:
        return (lead & 0x07) << 18 | Int(character[1] & 0x3F) << 12 | Int(character[2] & 0x3F) << 6
            | Int(character[3] & 0x3F)
    }
}

/// Appends the UTF-8 encoding of the scalar `value`.
@inline(__always)
func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
    switch value {
    case ..<0x80:
        bytes.append(UInt8(value))
    case ..<0x800:
        bytes.append(UInt8(0xC0 | value >> 6))
        bytes.append(UInt8(0x80 | value & 0x3F))
    case ..<0x1_0000:
        bytes.append(UInt8(0xE0 | value >> 12))
        bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | value & 0x3F))
    default:
        bytes.append(UInt8(0xF0 | value >> 18))
        bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
        bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | value & 0x3F))
    }
}

/// Calls `body` with each scalar of `text` (valid UTF-8): its value and its bytes.
@inline(__always)
func forEachScalar(in text: UnsafeBufferPointer<UInt8>, _ body: (UInt32, UnsafeBufferPointer<UInt8>) -> Void) {
    var offset = 0
    while offset < text.count {
        let length = utf8Length(leadingByte: text[offset])
        let character = UnsafeBufferPointer(rebasing: text[offset..<offset + length])
        body(UInt32(scalarValue(character)), character)
        offset += length
    }
}

/// The value of the first scalar of `text` (valid UTF-8), nil when it is empty.
func firstScalarValue(of text: UnsafeBufferPointer<UInt8>) -> UInt32? {
    guard let lead = text.first else { return nil }
    return UInt32(scalarValue(UnsafeBufferPointer(rebasing: text[0..<utf8Length(leadingByte: lead)])))
}
