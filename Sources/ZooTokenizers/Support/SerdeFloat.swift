/// Reads a JSON number as serde_json reads it without its `float_roundtrip` feature, which is how Hugging Face
/// `tokenizers` reads a unigram model's scores: the digits (those beyond 19 ignored) as an integer, converted to a
/// double and then multiplied or divided by a power of ten. That may differ from the correctly rounded value in
/// the last bit, and the scores decide ties, so they are read the same way here.
enum SerdeFloat {
    private static let powersOfTen: [Double] = (0...308).map { Double("1e\($0)")! }

    /// The value of `text`, a JSON number; nil when it is not one or is out of range.
    static func parse(_ text: String) -> Double? {
        var bytes = Array(text.utf8)[...]
        let positive = bytes.first != UInt8(ascii: "-")
        if !positive { bytes = bytes.dropFirst() }
        var significand: UInt64 = 0
        var exponent = 0
        var digits = 0
        var overflowed = false
        func take(_ digit: UInt8) -> Bool {
            let value = UInt64(digit - UInt8(ascii: "0"))
            if overflowed || significand > (UInt64.max - value) / 10 {
                overflowed = true
                return false
            }
            significand = significand * 10 + value
            return true
        }
        while let byte = bytes.first, isDigit(byte) {
            // Integer digits past the overflow are counted in the exponent.
            if !take(byte) { exponent += 1 }
            digits += 1
            bytes = bytes.dropFirst()
        }
        guard digits > 0 else { return nil }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            var fractionDigits = 0
            while let byte = bytes.first, isDigit(byte) {
                if take(byte) { exponent -= 1 }
                fractionDigits += 1
                bytes = bytes.dropFirst()
            }
            guard fractionDigits > 0 else { return nil }
        }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var positiveExponent = true
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                positiveExponent = sign == UInt8(ascii: "+")
                bytes = bytes.dropFirst()
            }
            var value = 0
            var exponentDigits = 0
            while let byte = bytes.first, isDigit(byte) {
                value = min(value * 10 + Int(byte - UInt8(ascii: "0")), Int(Int32.max))
                exponentDigits += 1
                bytes = bytes.dropFirst()
            }
            guard exponentDigits > 0 else { return nil }
            exponent += positiveExponent ? value : -value
        }
        guard bytes.isEmpty else { return nil }
        var value = Double(significand)
        while true {
            if exponent.magnitude < powersOfTen.count {
                if exponent >= 0 {
                    value *= powersOfTen[exponent]
                    if value.isInfinite { return nil }
                } else {
                    value /= powersOfTen[-exponent]
                }
                break
            }
            if value == 0 { break }
            if exponent >= 0 { return nil }
            value /= 1e308
            exponent += 308
        }
        return positive ? value : -value
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
