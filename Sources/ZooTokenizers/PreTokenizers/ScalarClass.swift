/// The character classes of the GPT-2 split pattern, as the Oniguruma engine inside Hugging Face `tokenizers`
/// (0.23) defines them: `\s` is the White_Space property, `\p{L}` and `\p{N}` the letter and number general
/// categories of Unicode 16.0, the tables Oniguruma was built with.
enum ScalarClass: UInt8 {
    case letter
    case number
    case whitespace
    case other

    init(_ value: UInt32) {
        if value < 0x80 {
            self = ScalarClass(rawValue: Self.ascii[Int(value)])!
        } else if value < 0x1_0000 {
            self = ScalarClass(rawValue: Self.basicPlane[Int(value)])!
        } else {
            self = Self.computed(value)
        }
    }

    /// The classes of ASCII, looked up rather than computed.
    static let ascii: [UInt8] = (0..<0x80).map { computed(UInt32($0)).rawValue }

    /// The classes of U+0000–U+FFFF, looked up rather than computed: nearly all text stays in this plane. Built on
    /// the first character past ASCII (about 9 ms, which an English prompt never pays).
    static let basicPlane: [UInt8] = (0..<0x1_0000).map { computed(UInt32($0)).rawValue }

    private static func computed(_ value: UInt32) -> ScalarClass {
        guard let scalar = Unicode.Scalar(value) else { return .other }  // surrogate code points
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        let category: ScalarClass
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            category = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            category = .number
        default:
            return .other
        }
        return isAssignedInReferenceUnicode(properties) ? category : .other
    }
}
