/// Turns arbitrary bytes into text the way Rust's `String::from_utf8_lossy` does (Hugging Face decodes with it):
/// each maximal ill-formed subsequence (Unicode §3.9, "substitution of maximal subparts") becomes one U+FFFD.
enum UTF8Repair {
    /// Decodes `bytes`. When `isFinal` is false, a sequence cut short by the end of `bytes` that could still become
    /// a valid character is left undecoded: `consumed` tells how many bytes were turned into `text`.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool) -> (text: String, consumed: Int) {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                output.append(lead)
                index += 1
                continue
            }
            let (length, secondLow, secondHigh) = shape(of: lead)
            guard length > 1 else {
                output.append(contentsOf: replacement)
                index += 1
                continue
            }
            // Count the bytes that still fit a well-formed sequence.
            var valid = 1
            while valid < length, index + valid < bytes.count {
                let byte = bytes[index + valid]
                let (low, high) = valid == 1 ? (secondLow, secondHigh) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= low && byte <= high else { break }
                valid += 1
            }
            if valid == length {
                output.append(contentsOf: bytes[index..<index + length])
            } else if index + valid == bytes.count && !isFinal {
                break  // a prefix of a character that the next bytes may complete
            } else {
                output.append(contentsOf: replacement)
            }
            index += valid
        }
        return (String(decoding: output, as: UTF8.self), index)
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// The sequence length a lead byte announces and the range its second byte must fall in (Unicode Table 3-7);
    /// length 1 for bytes that cannot start a sequence.
    private static func shape(of lead: UInt8) -> (length: Int, low: UInt8, high: UInt8) {
        switch lead {
        case 0xC2...0xDF: return (2, 0x80, 0xBF)
        case 0xE0: return (3, 0xA0, 0xBF)
        case 0xED: return (3, 0x80, 0x9F)
        case 0xE1...0xEF: return (3, 0x80, 0xBF)
        case 0xF0: return (4, 0x90, 0xBF)
        case 0xF4: return (4, 0x80, 0x8F)
        case 0xF1...0xF3: return (4, 0x80, 0xBF)
        default: return (1, 0, 0)
        }
    }
}
