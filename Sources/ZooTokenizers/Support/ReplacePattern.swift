/// What the `Replace` normalizer and decoder look for: `{"String": ...}`, or `{"Regex": ...}` for the regular
/// expressions that published tokenizers use to collapse whitespace: one character, escaped or not, or `\s`,
/// repeated (`+`, `{n}`, `{n,}`, `{n,m}`, at least once), such as ALBERT's and T5's `" {2,}"`. Other regular
/// expressions are an error when the file is read, rather than text replaced otherwise than Hugging Face would.
enum ReplacePattern: Sendable {
    /// Not empty.
    case string([UInt8])
    /// `minimum` to `maximum` repetitions of one character, or of any whitespace character when `scalar` is nil.
    case repeated(scalar: Unicode.Scalar?, minimum: Int, maximum: Int)

    /// Reads a regular expression; nil when it is not one of those described above.
    init?(regex: String) {
        var scalars = Array(regex.unicodeScalars)
        guard let first = scalars.first else { return nil }
        var atom: Unicode.Scalar?
        if first == "\\" {
            guard scalars.count >= 2 else { return nil }
            let escaped = scalars[1]
            if escaped == "s" {
                atom = nil
            } else if escaped.isASCII && !escaped.properties.isAlphabetic && escaped.properties.numericType == nil {
                atom = escaped
            } else {
                return nil
            }
            scalars.removeFirst(2)
        } else {
            guard !"\\^$.|?*+()[]{}".unicodeScalars.contains(first) else { return nil }
            atom = first
            scalars.removeFirst()
        }
        let quantifier = String(String.UnicodeScalarView(scalars))
        guard let (minimum, maximum) = Self.quantifier(quantifier), minimum >= 1, minimum <= maximum else {
            return nil
        }
        self = .repeated(scalar: atom, minimum: minimum, maximum: maximum)
    }

    /// `""`, `+`, `{n}`, `{n,}` or `{n,m}`.
    private static func quantifier(_ text: String) -> (Int, Int)? {
        switch text {
        case "": return (1, 1)
        case "+": return (1, .max)
        default:
            guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
            let bounds = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            guard let minimum = bounds.first.flatMap({ Int($0) }) else { return nil }
            switch bounds.count {
            case 1: return (minimum, minimum)
            case 2 where bounds[1].isEmpty: return (minimum, .max)
            case 2: return Int(bounds[1]).map { (minimum, $0) }
            default: return nil
            }
        }
    }

    /// `text` with every match replaced by `content`, leftmost first, each match as long as it may be.
    func replace(in text: UnsafeBufferPointer<UInt8>, with content: [UInt8]) -> [UInt8] {
        switch self {
        case .string(let pattern):
            return replacingOccurrences(of: pattern, with: content, in: text)
        case .repeated:
            var output: [UInt8] = []
            output.reserveCapacity(text.count)
            var copied = 0
            forEachMatch(in: text) { match in
                output.append(contentsOf: text[copied..<match.lowerBound])
                output.append(contentsOf: content)
                copied = match.upperBound
            }
            output.append(contentsOf: text[copied...])
            return output
        }
    }

    /// The byte range of the first match if it starts `text`.
    func matchAtStart(of text: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        switch self {
        case .string(let pattern):
            return text.starts(with: pattern) ? 0..<pattern.count : nil
        case .repeated:
            var first: Range<Int>?
            forEachMatch(in: text) { match in
                if first == nil { first = match }
            }
            return first?.lowerBound == 0 ? first : nil
        }
    }

    private func forEachMatch(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        guard case .repeated(let scalar, let minimum, let maximum) = self else { return }
        func matches(_ offset: Int) -> Int? {
            let length = utf8Length(leadingByte: text[offset])
            let value = UInt32(scalarValue(UnsafeBufferPointer(rebasing: text[offset..<offset + length])))
            let isMatch = scalar.map { $0.value == value } ?? (ScalarClass(value) == .whitespace)
            return isMatch ? length : nil
        }
        var offset = 0
        while offset < text.count {
            var end = offset
            var count = 0
            while count < maximum, end < text.count, let length = matches(end) {
                end += length
                count += 1
            }
            if count >= minimum {
                body(offset..<end)
                offset = end
            } else {
                offset += count == 0 ? utf8Length(leadingByte: text[offset]) : end - offset
            }
        }
    }
}
