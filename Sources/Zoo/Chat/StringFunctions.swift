/// The filters and string methods the renderer knows: those chat templates commonly apply to message text.
enum StringFunctions {
    static let filterNames: Set = ["trim", "upper", "lower", "string", "length", "count"]
    static let methodNames: Set = ["strip", "lstrip", "rstrip", "upper", "lower", "startswith", "endswith"]

    static func filter(_ name: String, of value: TemplateValue, arguments: [TemplateValue], line: Int)
        throws(ChatTemplateError) -> TemplateValue
    {
        func noArguments() throws(ChatTemplateError) {
            if !arguments.isEmpty { throw ChatTemplateError.unsupported("the filter \"\(name)\" with arguments", line: line) }
        }
        switch name {
        case "trim":
            try noArguments()
            return .string(trimmed(try string(value, for: "the filter \"trim\"", line: line)))
        case "upper", "lower":
            try noArguments()
            let text = try string(value, for: "the filter \"\(name)\"", line: line)
            return .string(name == "upper" ? text.uppercased() : text.lowercased())
        case "string":
            try noArguments()
            return .string(value.text)
        case "length", "count":
            try noArguments()
            switch value {
            case .string(let text): return .integer(text.count)
            case .list(let items): return .integer(items.count)
            case .dictionary(let entries): return .integer(entries.count)
            default: throw ChatTemplateError(line: line, "a \(value.typeName) has no length")
            }
        default:
            throw ChatTemplateError.unsupported("the filter \"\(name)\"", line: line)
        }
    }

    static func method(_ name: String, of value: TemplateValue, arguments: [TemplateValue], line: Int)
        throws(ChatTemplateError) -> TemplateValue
    {
        let text = try string(value, for: "the method \"\(name)\"", line: line)
        let argument: String? = if arguments.count == 1, case .string(let word) = arguments[0] { word } else { nil }
        switch (name, arguments.count, argument) {
        case ("strip", 0, _): return .string(trimmed(text))
        case ("lstrip", 0, _): return .string(String(text.drop(while: \.isWhitespace)))
        case ("rstrip", 0, _): return .string(String(text.reversed().drop(while: \.isWhitespace).reversed()))
        case ("upper", 0, _): return .string(text.uppercased())
        case ("lower", 0, _): return .string(text.lowercased())
        case ("startswith", 1, let prefix?): return .bool(text.hasPrefix(prefix))
        case ("endswith", 1, let suffix?): return .bool(text.hasSuffix(suffix))
        default: throw ChatTemplateError.unsupported("the method \"\(name)\" with \(arguments.count) argument(s)", line: line)
        }
    }

    private static func string(_ value: TemplateValue, for use: String, line: Int) throws(ChatTemplateError) -> String {
        guard case .string(let text) = value else {
            throw ChatTemplateError(line: line, "\(use) needs a string, not a \(value.typeName)")
        }
        return text
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
