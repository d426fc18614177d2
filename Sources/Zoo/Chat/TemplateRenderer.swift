/// Runs a parsed template against variables, producing its text.
struct TemplateRenderer {
    /// Innermost last. A loop body gets its own scope, so a `set` inside it does not outlive the iteration, as
    /// in Jinja; `if` blocks share their enclosing scope.
    private var scopes: [[String: TemplateValue]]
    private(set) var output = ""

    init(variables: [String: TemplateValue]) { scopes = [variables] }

    func lookUp(_ name: String) -> TemplateValue {
        for scope in scopes.reversed() { if let value = scope[name] { return value } }
        return .undefined
    }

    mutating func render(_ nodes: [TemplateNode]) throws(ChatTemplateError) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .output(let expression, let line):
                output += try evaluate(expression, line: line).text
            case .conditional(let branches, let otherwise, let line):
                var chosen = otherwise
                for branch in branches {
                    if try evaluate(branch.condition, line: line).isTrue {
                        chosen = branch.body
                        break
                    }
                }
                try render(chosen)
            case .loop(let variable, let sequence, let body, let otherwise, let line):
                let items = try iterationItems(try evaluate(sequence, line: line), line: line)
                if items.isEmpty { try render(otherwise) }
                for (position, item) in items.enumerated() {
                    scopes.append([variable: item, "loop": Self.loopVariable(position, of: items)])
                    defer { scopes.removeLast() }
                    try render(body)
                }
            case .assignment(let variable, let value, let line):
                scopes[scopes.count - 1][variable] = try evaluate(value, line: line)
            }
        }
    }

    private func evaluate(_ expression: Expression, line: Int) throws(ChatTemplateError) -> TemplateValue {
        try ExpressionEvaluator(line: line, lookUp: lookUp).evaluate(expression)
    }

    private func iterationItems(_ value: TemplateValue, line: Int) throws(ChatTemplateError) -> [TemplateValue] {
        switch value {
        case .list(let items): return items
        case .string(let text): return text.map { .string(String($0)) }
        case .undefined: return []
        default: throw ChatTemplateError(line: line, "cannot loop over a \(value.typeName)")
        }
    }

    /// Jinja's `loop`: index (from 1), index0, revindex, revindex0, first, last, length, previtem, nextitem.
    private static func loopVariable(_ position: Int, of items: [TemplateValue]) -> TemplateValue {
        let count = items.count
        return .dictionary([
            ("index", .integer(position + 1)), ("index0", .integer(position)),
            ("revindex", .integer(count - position)), ("revindex0", .integer(count - position - 1)),
            ("first", .bool(position == 0)), ("last", .bool(position == count - 1)), ("length", .integer(count)),
            ("previtem", position > 0 ? items[position - 1] : .undefined),
            ("nextitem", position + 1 < count ? items[position + 1] : .undefined),
        ])
    }
}
