/// Lowercasing as Hugging Face does it, one character at a time with Rust's `char::to_lowercase`: the full
/// mapping ("İ" becomes "i̇"), with no context (a final "Σ" becomes "σ", not "ς"). Swift's lowercase mapping of
/// a scalar is the same for every scalar.
enum Lowercasing {
    /// The lowercase of each basic-plane scalar, or `severalScalars` where it takes more than one.
    private static let basicPlane: [UInt32] = (0..<0x1_0000).map { value in
        guard let scalar = Unicode.Scalar(value) else { return UInt32(value) }
        let lowercase = scalar.properties.lowercaseMapping.unicodeScalars
        return lowercase.count == 1 ? lowercase.first!.value : severalScalars
    }
    private static let severalScalars = UInt32.max

    /// Appends the lowercase of the scalar `value` as UTF-8.
    static func append(_ value: UInt32, to output: inout [UInt8]) {
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
