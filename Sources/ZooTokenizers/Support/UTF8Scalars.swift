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
