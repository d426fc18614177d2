/// Lowercasing as Hugging Face does it, one character at a time with Rust's `char::to_lowercase`: the full
/// mapping ("İ" becomes "i̇"), with no context (a final "Σ" becomes "σ", not "ς"). Swift's lowercase mapping of
/// a scalar is the same for every scalar.
enum Lowercasing {
    /// The lowercase of each ASCII scalar.
    private static let ascii: [UInt32] = (0..<0x80).map(singleLowercase)
    /// The lowercase of each basic-plane scalar, or `severalScalars` where it takes more than one; built on the first
    /// character past ASCII (some milliseconds, which English text never pays).
    private static let basicPlane: [UInt32] = (0..<0x1_0000).map(singleLowercase)
    private static let severalScalars = UInt32.max

    private static func singleLowercase(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return value }
        let lowercase = scalar.properties.lowercaseMapping.unicodeScalars
        return lowercase.count == 1 ? lowercase.first!.value : severalScalars
    }

    /// Appends the lowercase of the scalar `value` as UTF-8.
    static func append(_ value: UInt32, to output: inout [UInt8]) {
        if value < 0x80 {
            appendUTF8(ascii[Int(value)], to: &output)
            return
        }
        if value < 0x1_0000 {
            let lowercase = basicPlane[Int(value)]
            if lowercase != severalScalars {
                appendUTF8(lowercase, to: &output)
                return
            }
        }
        guard let scalar = Unicode.Scalar(value) else { return }
        output.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
    }
}
