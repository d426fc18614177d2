/// Hugging Face's `Digits` pre-tokenizer: numbers become words of their own, each digit alone
/// (`individual_digits`) or each run of digits together. A digit is any character of the Unicode number
/// categories (Nd, Nl, No), as Rust's `char::is_numeric` has it; "x12" becomes "x", "1", "2".
struct DigitsPreTokenizer: PreTokenizer {
    var individualDigits: Bool

    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var wordStart = 0
        var offset = 0
        var previousWasDigit = false
        while offset < text.count {
            let length = min(utf8Length(leadingByte: text[offset]), text.count - offset)
            let isDigit = Self.isNumeric(UnsafeBufferPointer(rebasing: text[offset..<offset + length]))
            let startsWord = isDigit ? (individualDigits || !previousWasDigit) : previousWasDigit
            if startsWord && offset > wordStart {
                body(UnsafeBufferPointer(rebasing: text[wordStart..<offset]))
                wordStart = offset
            }
            previousWasDigit = isDigit
            offset += length
        }
        if offset > wordStart { body(UnsafeBufferPointer(rebasing: text[wordStart..<offset])) }
    }

    private static func isNumeric(_ character: UnsafeBufferPointer<UInt8>) -> Bool {
        if character.count == 1 { return character[0] >= UInt8(ascii: "0") && character[0] <= UInt8(ascii: "9") }
        guard let scalar = Unicode.Scalar(UInt32(scalarValue(character))) else { return false }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
