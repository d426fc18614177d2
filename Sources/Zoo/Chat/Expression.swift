/// An expression of the template language, as parsed.
indirect enum Expression: Sendable {
    case literal(TemplateValue)
    case list([Expression])
    case variable(String)
    /// `value.name` (an attribute, or a dictionary's key).
    case attribute(Expression, String)
    /// `value[index]`.
    case item(Expression, Expression)
    /// `name(arguments)`, a global function.
    case call(String, [Expression])
    /// `value.name(arguments)`, a string method.
    case method(Expression, String, [Expression])
    /// `value | name(arguments)`.
    case filter(Expression, String, [Expression])
    /// `value is name`, or `value is not name` when negated.
    case test(Expression, String, negated: Bool)
    case not(Expression)
    case negative(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    /// An arithmetic, concatenation or comparison operator, by its symbol ("+", "~", "==", "in", "not in", ...).
    case binary(String, Expression, Expression)
    /// `then if condition else otherwise`.
    case conditional(then: Expression, condition: Expression, otherwise: Expression?)
}

/// Parses expressions with Jinja's precedence, loosest first: `… if … else …`, `or`, `and`, `not`, comparisons
/// (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`), `+` `-`, `~`, `*` `/` `//` `%`, unary minus, then
/// filters, tests, attributes, subscripts and calls on a primary value.
struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private var index = 0
    let line: Int

    init(_ source: String, line: Int) throws(ChatTemplateError) {
        tokens = try ExpressionTokenizer.tokens(source, line: line)
        self.line = line
    }

    var isAtEnd: Bool { index == tokens.count }
    var next: ExpressionToken? { index < tokens.count ? tokens[index] : nil }

    mutating func advance() -> ExpressionToken? {
        defer { index += 1 }
        return next
    }

    /// Consumes `symbol` if it comes next.
    mutating func take(_ symbol: String) -> Bool {
        guard next == .symbol(symbol) else { return false }
        index += 1
        return true
    }

    /// Consumes the name `word` if it comes next.
    mutating func take(word: String) -> Bool {
        guard next == .name(word) else { return false }
        index += 1
        return true
    }

    mutating func expect(_ symbol: String) throws(ChatTemplateError) {
        guard take(symbol) else { throw problem("expected \"\(symbol)\"") }
    }

    mutating func name() throws(ChatTemplateError) -> String {
        guard case .name(let name)? = next else { throw problem("expected a name") }
        index += 1
        return name
    }

    func problem(_ message: String) -> ChatTemplateError {
        let found = next.map { "\($0)" } ?? "the end of the tag"
        return ChatTemplateError(line: line, "\(message), found \(found)")
    }

    /// A whole expression, which must use up the tokens.
    mutating func parseAll() throws(ChatTemplateError) -> Expression {
        let expression = try parse()
        guard isAtEnd else { throw problem("unexpected text after the expression") }
        return expression
    }

    /// An expression; without `allowingConditional`, an `if` after it is left for the caller (a loop's filter).
    mutating func parse(allowingConditional: Bool = true) throws(ChatTemplateError) -> Expression {
        let value = try parseOr()
        guard allowingConditional && take(word: "if") else { return value }
        let condition = try parseOr()
        let otherwise = take(word: "else") ? try parse() : nil
        return .conditional(then: value, condition: condition, otherwise: otherwise)
    }

    private mutating func parseOr() throws(ChatTemplateError) -> Expression {
        var left = try parseAnd()
        while take(word: "or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(ChatTemplateError) -> Expression {
        var left = try parseNot()
        while take(word: "and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(ChatTemplateError) -> Expression {
        take(word: "not") ? .not(try parseNot()) : try parseComparison()
    }

    private mutating func parseComparison() throws(ChatTemplateError) -> Expression {
        var left = try parseSum()
        while true {
            if case .symbol(let symbol)? = next, ["==", "!=", "<", "<=", ">", ">="].contains(symbol) {
                index += 1
                left = .binary(symbol, left, try parseSum())
            } else if take(word: "in") {
                left = .binary("in", left, try parseSum())
            } else if next == .name("not"), index + 1 < tokens.count, tokens[index + 1] == .name("in") {
                index += 2
                left = .binary("not in", left, try parseSum())
            } else {
                return left
            }
        }
    }

    private mutating func parseSum() throws(ChatTemplateError) -> Expression {
        var left = try parseConcatenation()
        while case .symbol(let symbol)? = next, symbol == "+" || symbol == "-" {
            index += 1
            left = .binary(symbol, left, try parseConcatenation())
        }
        return left
    }

    private mutating func parseConcatenation() throws(ChatTemplateError) -> Expression {
        var left = try parseProduct()
        while take("~") { left = .binary("~", left, try parseProduct()) }
        return left
    }

    private mutating func parseProduct() throws(ChatTemplateError) -> Expression {
        var left = try parseUnary()
        while case .symbol(let symbol)? = next, ["*", "/", "//", "%"].contains(symbol) {
            index += 1
            left = .binary(symbol, left, try parseUnary())
        }
        return left
    }

    /// As in Jinja, filters bind looser than a sign: `-x | abs` is `(-x) | abs`.
    private mutating func parseUnary(withFilters: Bool = true) throws(ChatTemplateError) -> Expression {
        var value: Expression
        if take("-") {
            value = .negative(try parseUnary(withFilters: false))
        } else if take("+") {
            value = try parseUnary(withFilters: false)
        } else {
            value = try parsePrimary()
        }
        value = try parsePostfix(value)
        if case .symbol("**")? = next { throw ChatTemplateError.unsupported("the operator **", line: line) }
        return withFilters ? try parseFiltersAndTests(value) : value
    }

    private mutating func parsePrimary() throws(ChatTemplateError) -> Expression {
        switch advance() {
        case .string(var text)?:
            // Adjacent string literals join, as in Python.
            while case .string(let more)? = next {
                text += more
                index += 1
            }
            return .literal(.string(text))
        case .integer(let value)?: return .literal(.integer(value))
        case .float(let value)?: return .literal(.double(value))
        case .name(let name)?:
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default:
                guard take("(") else { return .variable(name) }
                guard name == "raise_exception" else { throw ChatTemplateError.unsupported("the function \"\(name)\"", line: line) }
                return .call(name, try arguments())
            }
        case .symbol("(")?:
            let inner = try parse()
            if next == .symbol(",") { throw ChatTemplateError.unsupported("a tuple", line: line) }
            try expect(")")
            return inner
        case .symbol("[")?:
            var elements: [Expression] = []
            while !take("]") {
                elements.append(try parse())
                if !take(",") {
                    try expect("]")
                    break
                }
            }
            return .list(elements)
        case .symbol("{")?:
            throw ChatTemplateError.unsupported("a dictionary literal", line: line)
        default:
            index -= 1
            throw problem("expected a value")
        }
    }

    private mutating func parsePostfix(_ base: Expression) throws(ChatTemplateError) -> Expression {
        var value = base
        while true {
            if take(".") {
                let name: String
                if case .integer(let position)? = next {
                    index += 1
                    value = .item(value, .literal(.integer(position)))
                    continue
                }
                name = try self.name()
                guard take("(") else {
                    value = .attribute(value, name)
                    continue
                }
                guard StringFunctions.methodNames.contains(name) else {
                    throw ChatTemplateError.unsupported("the method \"\(name)\"", line: line)
                }
                value = .method(value, name, try arguments())
            } else if take("[") {
                if next == .symbol(":") { throw ChatTemplateError.unsupported("a slice", line: line) }
                let key = try parse()
                if next == .symbol(":") { throw ChatTemplateError.unsupported("a slice", line: line) }
                try expect("]")
                value = .item(value, key)
            } else if next == .symbol("(") {
                throw ChatTemplateError.unsupported("calling a value that is not a named function or method", line: line)
            } else {
                return value
            }
        }
    }

    private mutating func parseFiltersAndTests(_ base: Expression) throws(ChatTemplateError) -> Expression {
        var value = base
        while true {
            if take("|") {
                let name = try self.name()
                guard StringFunctions.filterNames.contains(name) else {
                    throw ChatTemplateError.unsupported("the filter \"\(name)\"", line: line)
                }
                value = .filter(value, name, take("(") ? try arguments() : [])
            } else if take(word: "is") {
                let negated = take(word: "not")
                let name: String
                // `none`, `true` and `false` are test names here, not literals.
                switch next {
                case .name(let word)?:
                    index += 1
                    name = word
                default:
                    throw problem("expected a test name")
                }
                guard ExpressionEvaluator.testNames.contains(name) else {
                    throw ChatTemplateError.unsupported("the test \"\(name)\"", line: line)
                }
                if next == .symbol("(") || isStartOfTestArgument {
                    throw ChatTemplateError.unsupported("the test \"\(name)\" with an argument", line: line)
                }
                value = .test(value, name, negated: negated)
            } else {
                return value
            }
        }
    }

    /// Jinja lets a test take one argument without parentheses (`x is divisibleby 3`).
    private var isStartOfTestArgument: Bool {
        switch next {
        case .string?, .integer?, .float?: return true
        default: return false
        }
    }

    /// The arguments of a call after its "(", through the ")". Keyword arguments are not supported.
    private mutating func arguments() throws(ChatTemplateError) -> [Expression] {
        var arguments: [Expression] = []
        while !take(")") {
            if case .name? = next, index + 1 < tokens.count, tokens[index + 1] == .symbol("=") {
                throw ChatTemplateError.unsupported("a keyword argument", line: line)
            }
            arguments.append(try parse())
            if !take(",") {
                try expect(")")
                break
            }
        }
        return arguments
    }
}
