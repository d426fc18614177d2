import Foundation

/// Evaluates expressions: operators with Python's semantics, `raise_exception`, and the filters, tests and string
/// methods that chat templates commonly use. Anything else is an error naming it.
struct ExpressionEvaluator {
    static let testNames: Set = ["defined", "undefined", "none", "string", "number", "true", "false"]

    let line: Int
    let lookUp: (String) -> TemplateValue

    func evaluate(_ expression: Expression) throws(ChatTemplateError) -> TemplateValue {
        switch expression {
        case .literal(let value):
            return value
        case .list(let elements):
            var values: [TemplateValue] = []
            for element in elements { values.append(try evaluate(element)) }
            return .list(values)
        case .variable(let name):
            return lookUp(name)
        case .attribute(let base, let name):
            return try member(of: try evaluate(base), name: name, description: ".\(name)")
        case .item(let base, let key):
            return try item(of: try evaluate(base), key: try evaluate(key))
        case .call(_, let arguments):
            // The parser lets only raise_exception through.
            guard arguments.count == 1 else { throw failure("raise_exception takes one message") }
            throw ChatTemplateError(raisedMessage: try evaluate(arguments[0]).text)
        case .method(let base, let name, let arguments):
            return try StringFunctions.method(name, of: try evaluate(base), arguments: try values(arguments), line: line)
        case .filter(let base, let name, let arguments):
            return try StringFunctions.filter(name, of: try evaluate(base), arguments: try values(arguments), line: line)
        case .test(let base, let name, let negated):
            let result = try test(name, try evaluate(base))
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTrue))
        case .negative(let operand):
            switch try evaluate(operand) {
            case .integer(let value): return .integer(-value)
            case .double(let value): return .double(-value)
            case let value: throw failure("cannot negate a \(value.typeName)")
            }
        case .and(let left, let right):
            // Python's `and` and `or` give one of their operands, not a boolean.
            let first = try evaluate(left)
            return first.isTrue ? try evaluate(right) : first
        case .or(let left, let right):
            let first = try evaluate(left)
            return first.isTrue ? first : try evaluate(right)
        case .binary(let symbol, let left, let right):
            return try binary(symbol, try evaluate(left), try evaluate(right))
        case .conditional(let then, let condition, let otherwise):
            if try evaluate(condition).isTrue { return try evaluate(then) }
            return try otherwise.map { (expression) throws(ChatTemplateError) in try evaluate(expression) } ?? .undefined
        }
    }

    private func values(_ expressions: [Expression]) throws(ChatTemplateError) -> [TemplateValue] {
        var values: [TemplateValue] = []
        for expression in expressions { values.append(try evaluate(expression)) }
        return values
    }

    func failure(_ problem: String) -> ChatTemplateError { ChatTemplateError(line: line, problem) }

    /// `value.name`: a dictionary's key (Jinja tries the attribute, then the item).
    private func member(of value: TemplateValue, name: String, description: String) throws(ChatTemplateError)
        -> TemplateValue
    {
        switch value {
        case .dictionary: return value[name]
        case .undefined: throw failure("\(description) of an undefined value")
        default: return .undefined
        }
    }

    private func item(of value: TemplateValue, key: TemplateValue) throws(ChatTemplateError) -> TemplateValue {
        switch (value, key) {
        case (.dictionary, .string(let name)):
            return value[name]
        case (.list(let items), .integer(let index)):
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? items[position] : .undefined
        case (.string(let text), .integer(let index)):
            let characters = Array(text)
            let position = index < 0 ? characters.count + index : index
            return characters.indices.contains(position) ? .string(String(characters[position])) : .undefined
        case (.undefined, _):
            throw failure("[\(key.representation)] of an undefined value")
        default:
            return .undefined
        }
    }

    private func test(_ name: String, _ value: TemplateValue) throws(ChatTemplateError) -> Bool {
        switch name {
        case "defined": return value != .undefined
        case "undefined": return value == .undefined
        case "none": return value == .none
        case "string": if case .string = value { return true } else { return false }
        case "number": if case .integer = value { return true } else if case .double = value { return true } else { return false }
        case "true": return value == .bool(true)
        case "false": return value == .bool(false)
        default: throw ChatTemplateError.unsupported("the test \"\(name)\"", line: line)
        }
    }

    private func binary(_ symbol: String, _ left: TemplateValue, _ right: TemplateValue) throws(ChatTemplateError)
        -> TemplateValue
    {
        switch symbol {
        case "~":
            return .string(left.text + right.text)
        case "==":
            return .bool(left == right)
        case "!=":
            return .bool(left != right)
        case "<", "<=", ">", ">=":
            return .bool(try compare(symbol, left, right))
        case "in", "not in":
            let found = try contains(right, left)
            return .bool(symbol == "in" ? found : !found)
        case "+":
            switch (left, right) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.list(let a), .list(let b)): return .list(a + b)
            default: return try arithmetic(symbol, left, right)
            }
        default:
            return try arithmetic(symbol, left, right)
        }
    }

    private func compare(_ symbol: String, _ left: TemplateValue, _ right: TemplateValue) throws(ChatTemplateError) -> Bool {
        let order: ComparisonResult
        if case .string(let a) = left, case .string(let b) = right {
            // Python orders strings by code point.
            order = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? .orderedAscending
                : a == b ? .orderedSame : .orderedDescending
        } else if let a = left.number, let b = right.number {
            order = a < b ? .orderedAscending : a == b ? .orderedSame : .orderedDescending
        } else {
            throw failure("cannot compare a \(left.typeName) with a \(right.typeName) using \(symbol)")
        }
        switch symbol {
        case "<": return order == .orderedAscending
        case "<=": return order != .orderedDescending
        case ">": return order == .orderedDescending
        default: return order != .orderedAscending
        }
    }

    private func contains(_ container: TemplateValue, _ element: TemplateValue) throws(ChatTemplateError) -> Bool {
        switch (container, element) {
        case (.string(let text), .string(let part)): return part.isEmpty || text.contains(part)
        case (.list(let items), _): return items.contains(element)
        case (.dictionary(let entries), .string(let key)): return entries.contains { $0.key == key }
        case (.undefined, _): throw failure("\"in\" an undefined value")
        default: throw failure("cannot look for a \(element.typeName) in a \(container.typeName)")
        }
    }

    private func arithmetic(_ symbol: String, _ left: TemplateValue, _ right: TemplateValue) throws(ChatTemplateError)
        -> TemplateValue
    {
        if case .string(let text) = left, case .integer(let count) = right, symbol == "*" {
            return .string(String(repeating: text, count: max(count, 0)))
        }
        let bothIntegers: Bool
        switch (left, right) {
        case (.integer, .integer), (.integer, .bool), (.bool, .integer), (.bool, .bool): bothIntegers = true
        default: bothIntegers = false
        }
        guard let a = left.number, let b = right.number else {
            throw failure("cannot apply \(symbol) to a \(left.typeName) and a \(right.typeName)")
        }
        if bothIntegers && symbol != "/" {
            let x = Int(a), y = Int(b)
            switch symbol {
            case "+": return .integer(x + y)
            case "-": return .integer(x - y)
            case "*": return .integer(x * y)
            default:
                guard y != 0 else { throw failure("division by zero") }
                // Python's // and % round toward negative infinity.
                let quotient = Int((Double(x) / Double(y)).rounded(.down))
                return .integer(symbol == "//" ? quotient : x - quotient * y)
            }
        }
        switch symbol {
        case "+": return .double(a + b)
        case "-": return .double(a - b)
        case "*": return .double(a * b)
        default:
            guard b != 0 else { throw failure("division by zero") }
            switch symbol {
            case "/": return .double(a / b)
            case "//": return .double((a / b).rounded(.down))
            default: return .double(a - (a / b).rounded(.down) * b)
            }
        }
    }
}
