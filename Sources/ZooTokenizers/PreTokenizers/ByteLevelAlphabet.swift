/// GPT-2's stand-in characters for bytes: byte-level tokens spell each byte of the text as a printable character.
/// Printable Latin-1 bytes stand for themselves; the others (controls, space, U+007F–U+00A0, soft hyphen) take
/// U+0100 onwards in byte order, so the space byte becomes "Ġ" (U+0120).
enum ByteLevelAlphabet {
    /// Each byte's character in UTF-8: one byte, or two when the first is 0x80 or above.
    static let utf8: [(first: UInt8, second: UInt8)] = scalars.map { scalar in
        scalar < 0x80 ? (UInt8(scalar), 0) : (UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F))
    }

    /// The byte each stand-in character (by scalar value) represents, or -1.
    static let bytes: [Int16] = {
        var table = [Int16](repeating: -1, count: Int(scalars.max()!) + 1)
        for (byte, scalar) in scalars.enumerated() { table[Int(scalar)] = Int16(byte) }
        return table
    }()

    private static let scalars: [UInt32] = {
        var next: UInt32 = 256
        return (0...255).map { (byte: UInt32) in
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable { return byte }
            defer { next += 1 }
            return next
        }
    }()
}
