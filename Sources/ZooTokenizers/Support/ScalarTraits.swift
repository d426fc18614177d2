/// What the Unicode tables inside Hugging Face `tokenizers` 0.23 say about a scalar, as far as the normalizers and
/// pre-tokenizers of BERT-family tokenizers ask. Each crate has its own, older Unicode version (see `isAssigned`);
/// each trait is Swift's answer restricted to the characters that version had, corrected for the few characters
/// whose category has changed since. The tests check every scalar against the Python library.
struct ScalarTraits: OptionSet, Sendable {
    let rawValue: UInt8

    /// Removed by BertNormalizer's clean_text: a control, format or private-use character (Cc, Cf, Co) but tab,
    /// newline and carriage return, and U+FFFD.
    static let removedByCleanText = ScalarTraits(rawValue: 1 << 0)
    /// Rust's `char::is_whitespace`, the White_Space property.
    static let whitespace = ScalarTraits(rawValue: 1 << 1)
    /// BERT's punctuation: ASCII punctuation and the P* categories.
    static let punctuation = ScalarTraits(rawValue: 1 << 2)
    /// A CJK ideograph that BertNormalizer's handle_chinese_chars puts spaces around.
    static let chineseCharacter = ScalarTraits(rawValue: 1 << 3)
    /// A nonspacing mark (Mn), which BertNormalizer's strip_accents drops after NFD.
    static let nonspacingMark = ScalarTraits(rawValue: 1 << 4)
    /// A mark (M*), which the StripAccents normalizer drops.
    static let combiningMark = ScalarTraits(rawValue: 1 << 5)
    /// Rust regex's `\w`, which the Whitespace pre-tokenizer splits by.
    static let wordCharacter = ScalarTraits(rawValue: 1 << 6)
    /// Assigned after Unicode 11.0, so the normalization forms leave it alone.
    static let unknownToNormalization = ScalarTraits(rawValue: 1 << 7)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ value: UInt32) {
        if value < 0x80 {
            self = ScalarTraits(rawValue: Self.ascii[Int(value)])
        } else if value < 0x1_0000 {
            self = ScalarTraits(rawValue: Self.basicPlane[Int(value)])
        } else {
            self = Self.computed(value)
        }
    }

    /// The traits of ASCII, looked up rather than computed.
    static let ascii: [UInt8] = (0..<0x80).map { computed(UInt32($0)).rawValue }

    /// The traits of U+0000–U+FFFF, looked up rather than computed; built on the first character past ASCII (some
    /// milliseconds, which English text never pays).
    static let basicPlane: [UInt8] = (0..<0x1_0000).map { computed(UInt32($0)).rawValue }

    private static func computed(_ value: UInt32) -> ScalarTraits {
        guard let scalar = Unicode.Scalar(value) else { return [] }  // surrogate code points
        let properties = scalar.properties
        // Most of the code space is unassigned, which takes only the CJK ranges' trait.
        if properties.age == nil { return isChineseCharacter(value) ? .chineseCharacter : [] }
        var traits: ScalarTraits = []
        let category = properties.generalCategory
        let inUnicode8 = isAssigned(properties, byUnicode: 8, 0)
        switch category {
        case .control:
            if ![0x09, 0x0A, 0x0D].contains(value) { traits.insert(.removedByCleanText) }
        case .format, .privateUse:
            if inUnicode8 { traits.insert(.removedByCleanText) }
        default:
            if value == 0xFFFD { traits.insert(.removedByCleanText) }
        }
        if properties.isWhitespace { traits.insert(.whitespace) }
        if isBERTPunctuation(value, category) && (inUnicode8 || isASCIIPunctuation(value)) {
            traits.insert(.punctuation)
        }
        if isChineseCharacter(value) { traits.insert(.chineseCharacter) }
        if isNonspacingMarkInUnicode8(value, category) && inUnicode8 { traits.insert(.nonspacingMark) }
        if isMarkInUnicode9(value, category) && isAssigned(properties, byUnicode: 9, 0) {
            traits.insert(.combiningMark)
        }
        if isWordCharacter(scalar) { traits.insert(.wordCharacter) }
        if properties.age != nil && !isAssigned(properties, byUnicode: 11, 0) { traits.insert(.unknownToNormalization) }
        return traits
    }

    private static func isASCIIPunctuation(_ value: UInt32) -> Bool {
        (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
            || (123...126).contains(value)
    }

    private static func isBERTPunctuation(_ value: UInt32, _ category: Unicode.GeneralCategory) -> Bool {
        if isASCIIPunctuation(value) { return true }
        // Punctuation (Po) in Unicode 8.0, since made a symbol and a mark.
        if value == 0x166D || value == 0x111C9 { return true }
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    private static func isNonspacingMarkInUnicode8(_ value: UInt32, _ category: Unicode.GeneralCategory) -> Bool {
        switch value {
        case 0x1734, 0x1171E: return true  // Mn in Unicode 8.0, spacing marks since
        case 0x1885, 0x1886, 0xA9BD, 0x111C9: return false  // a letter, a spacing mark and punctuation then
        default: return category == .nonspacingMark
        }
    }

    private static func isMarkInUnicode9(_ value: UInt32, _ category: Unicode.GeneralCategory) -> Bool {
        switch value {
        case 0x1CF2, 0x1CF3: return true  // spacing marks in Unicode 9.0, letters since
        case 0x111C9: return false  // punctuation then
        default: return category == .nonspacingMark || category == .spacingMark || category == .enclosingMark
        }
    }

    /// The ranges of `tokenizers`' `is_chinese_char`: BERT's CJK blocks, though not quite (U+2B820–U+2B91F,
    /// which BERT's original code includes, is left out).
    private static func isChineseCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x2_0000...0x2_A6DF, 0x2_A700...0x2_B73F, 0x2_B740...0x2_B81F,
            0x2_B920...0x2_CEAF, 0xF900...0xFAFF, 0x2_F800...0x2_FA1F:
            return true
        default:
            return false
        }
    }
}
