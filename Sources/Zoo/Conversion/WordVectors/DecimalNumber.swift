#if canImport(Glibc)
import Glibc
#endif

/// Decimal numbers in text, read from bytes without making a String per number.
enum DecimalNumber {
    /// The float32 value of the decimal number that fills `bytes` exactly, or nil when they are not one (or it is not
    /// finite). The number is rounded to the nearest double and that double to float32, as numpy's `float32(text)`
    /// does, which is how gensim reads text vectors.
    static func float(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
        guard let value = double(bytes), value.isFinite else { return nil }
        let single = Float(value)
        return single.isFinite ? single : nil
    }

    /// The nearest double to the decimal number `bytes`: `[+-]digits[.digits][(e|E)[+-]digits]`. Up to 19
    /// significant digits and a power of ten up to 22 take Clinger's exact fast path; anything else goes to strtod.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, n = bytes.count
        guard n > 0 else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0, digits = 0, significant = 0, exponent = 0
        func digit(_ b: UInt8) -> UInt64? { b >= 48 && b <= 57 ? UInt64(b - 48) : nil }
        while i < n, let d = digit(bytes[i]) {
            if significant > 0 || d != 0 { significant += 1 }
            if significant <= 19 { mantissa = mantissa * 10 + d } else { exponent += 1 }
            digits += 1
            i += 1
        }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, let d = digit(bytes[i]) {
                if significant > 0 || d != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa * 10 + d; exponent -= 1 }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0, exponentDigits = 0
            while i < n, let d = digit(bytes[i]) {
                value = min(value * 10 + Int(d), 100_000)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard i == n else { return nil }
        if significant <= 19 && mantissa <= 1 << 53 && abs(exponent) <= 22 {
            let magnitude = exponent >= 0 ? Double(mantissa) * powersOfTen[exponent] : Double(mantissa) / powersOfTen[-exponent]
            return negative ? -magnitude : magnitude
        }
        // Rare: more digits than a double holds exactly, or a large power of ten. strtod rounds correctly.
        n = bytes.count
        return [CChar](unsafeUninitializedCapacity: n + 1) { buffer, count in
            for j in 0..<n { buffer[j] = CChar(bitPattern: bytes[j]) }
            buffer[n] = 0
            count = n + 1
        }.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
