import Foundation

/// A value in a template, with Python's semantics as Jinja gives them: truthiness, equality, and the text `{{ }}`
/// prints.
enum TemplateValue: Equatable, Sendable {
    /// A name or key that does not exist: prints as nothing, is false, and equals only another undefined.
    case undefined
    case none
    case bool(Bool)
    case integer(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    /// Keys in insertion order, as Python's dictionaries keep them.
    case dictionary([(key: String, value: TemplateValue)])

    static func == (a: TemplateValue, b: TemplateValue) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dictionary(let x), .dictionary(let y)):
            return x.count == y.count && x.allSatisfy { entry in y.contains { $0.key == entry.key && $0.value == entry.value } }
        default:
            // Python compares numbers across int, float and bool.
            guard let x = a.number, let y = b.number else { return false }
            return x == y
        }
    }

    /// The value as a number, for arithmetic and comparison (booleans count as 0 and 1, as in Python).
    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    var isTrue: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let value): value
        case .integer(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .list(let values): !values.isEmpty
        case .dictionary(let entries): !entries.isEmpty
        }
    }

    /// The value of `key` in a dictionary, or undefined.
    subscript(key: String) -> TemplateValue {
        guard case .dictionary(let entries) = self else { return .undefined }
        return entries.first { $0.key == key }?.value ?? .undefined
    }

    /// What `{{ value }}` prints: Python's `str()` of it.
    var text: String {
        switch self {
        case .undefined: ""
        case .string(let value): value
        default: representation
        }
    }

    /// Python's `repr()`, which is also how values print inside a list or dictionary.
    var representation: String {
        switch self {
        case .undefined: ""
        case .none: "None"
        case .bool(let value): value ? "True" : "False"
        case .integer(let value): String(value)
        case .double(let value):
            value.isFinite && value == value.rounded() && abs(value) < 1e16 ? String(format: "%.1f", value) : "\(value)"
        case .string(let value): "'" + value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "'", with: "\\'").replacingOccurrences(of: "\n", with: "\\n") + "'"
        case .list(let values): "[" + values.map(\.representation).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            "{" + entries.map { TemplateValue.string($0.key).representation + ": " + $0.value.representation }
                .joined(separator: ", ") + "}"
        }
    }

    /// The name of the value's type in messages.
    var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .none: "none"
        case .bool: "boolean"
        case .integer: "integer"
        case .double: "float"
        case .string: "string"
        case .list: "list"
        case .dictionary: "dictionary"
        }
    }
}
