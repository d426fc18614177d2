/// A token of the expression language inside template tags.
enum ExpressionToken: Equatable {
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case symbol(String)
}

/// Splits the inside of a tag into tokens: names, string and number literals, operators and punctuation.
enum ExpressionTokenizer {
    /// Longest first, so that "==" is not read as "=" twice.
    private static let symbols = ["==", "!=", "<=", ">=", "//", "**", "<", ">", "+", "-", "*", "/", "%", "~", "(", ")",
                                  "[", "]", "{", "}", ",", ".", ":", "|", "="]

    static func tokens(_ source: String, line: Int) throws(ChatTemplateError) -> [ExpressionToken] {
        let scalars = Array(source.unicodeScalars)
        var tokens: [ExpressionToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "'" || scalar == "\"" {
                let (text, end) = try string(scalars, from: index, line: line)
                tokens.append(.string(text))
                index = end
            } else if ("0"..."9").contains(scalar) {
                var end = index
                while end < scalars.count && (("0"..."9").contains(scalars[end]) || scalars[end] == "_") { end += 1 }
                var isFloat = false
                if end + 1 < scalars.count && scalars[end] == "." && ("0"..."9").contains(scalars[end + 1]) {
                    isFloat = true
                    end += 1
                    while end < scalars.count && ("0"..."9").contains(scalars[end]) { end += 1 }
                }
                let digits = String(String.UnicodeScalarView(scalars[index..<end])).replacingOccurrences(of: "_", with: "")
                if isFloat, let value = Double(digits) {
                    tokens.append(.float(value))
                } else if let value = Int(digits) {
                    tokens.append(.integer(value))
                } else {
                    throw ChatTemplateError(line: line, "the number \(digits) is out of range")
                }
                index = end
            } else if scalar == "_" || scalar.properties.isAlphabetic {
                var end = index
                while end < scalars.count
                        && (scalars[end] == "_" || scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end])) {
                    end += 1
                }
                tokens.append(.name(String(String.UnicodeScalarView(scalars[index..<end]))))
                index = end
            } else if let symbol = symbols.first(where: { matches($0, scalars, at: index) }) {
                tokens.append(.symbol(symbol))
                index += symbol.unicodeScalars.count
            } else {
                throw ChatTemplateError(line: line, "unexpected character \"\(scalar)\"")
            }
        }
        return tokens
    }

    private static func matches(_ symbol: String, _ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let wanted = Array(symbol.unicodeScalars)
        return index + wanted.count <= scalars.count && Array(scalars[index..<index + wanted.count]) == wanted
    }

    /// A quoted string with Python's common escapes; returns its text and the index after the closing quote.
    private static func string(_ scalars: [Unicode.Scalar], from start: Int, line: Int) throws(ChatTemplateError)
        -> (String, Int)
    {
        let quote = scalars[start]
        var text = String.UnicodeScalarView()
        var index = start + 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == quote { return (String(text), index + 1) }
            if scalar == "\\" && index + 1 < scalars.count {
                index += 1
                switch scalars[index] {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "\\", "'", "\"": text.append(scalars[index])
                default:
                    text.append("\\")
                    text.append(scalars[index])
                }
            } else {
                text.append(scalar)
            }
            index += 1
        }
        throw ChatTemplateError(line: line, "a string is never closed")
    }
}
