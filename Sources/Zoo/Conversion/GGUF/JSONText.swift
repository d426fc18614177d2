/// JSON text written by hand where the order of keys matters to a reader (a vocabulary in id order, a config in
/// the order Hugging Face writes it) or where values must keep their exact spelling.
enum JSONText {
    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A value of a config: a number, a boolean, a string, null, or a list of strings.
    enum Value {
        case integer(Int)
        /// A float32 value, written in the shortest form that reads back as the same float32.
        case float(Float)
        case bool(Bool)
        case string(String)
        case null
        case strings([String])

        var text: String {
            switch self {
            case .integer(let value): String(value)
            case .float(let value): value.description
            case .bool(let value): value ? "true" : "false"
            case .string(let value): JSONText.string(value)
            case .null: "null"
            case .strings(let values): "[" + values.map(JSONText.string).joined(separator: ", ") + "]"
            }
        }
    }

    /// An object, one key per line, in the given order.
    static func object(_ entries: [(String, Value)]) -> String {
        "{\n" + entries.map { "  \(string($0.0)): \($0.1.text)" }.joined(separator: ",\n") + "\n}\n"
    }
}
