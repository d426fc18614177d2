/// A template as a tree: text, `{{ }}` outputs, and the `if`, `for` and `set` statements.
indirect enum TemplateNode: Sendable {
    case text(String)
    case output(Expression, line: Int)
    /// `if` and its `elif`s in order, then the `else` body.
    case conditional(branches: [(condition: Expression, body: [TemplateNode])], otherwise: [TemplateNode], line: Int)
    /// `for name in sequence`, with the body run when the sequence is empty (`else`).
    case loop(variable: String, sequence: Expression, body: [TemplateNode], otherwise: [TemplateNode], line: Int)
    case assignment(variable: String, value: Expression, line: Int)
}

/// Builds the tree from the lexer's segments; any statement other than `if`/`elif`/`else`/`endif`,
/// `for`/`else`/`endfor` and `set` is an error naming it.
struct TemplateParser {
    private let segments: [TemplateSegment]
    private var index = 0

    static func parse(_ source: String) throws(ChatTemplateError) -> [TemplateNode] {
        var parser = TemplateParser(segments: try TemplateLexer.segments(source))
        let (nodes, end) = try parser.parseBody(until: [])
        if let end { throw ChatTemplateError(line: end.line, "\"\(end.keyword)\" without a statement to end") }
        return nodes
    }

    private init(segments: [TemplateSegment]) { self.segments = segments }

    /// Nodes up to a statement whose keyword is in `terminators`, returned with its parser (positioned after
    /// the keyword) and line; nil at the end of the template, which is an error inside the block `opened`.
    private mutating func parseBody(until terminators: Set<String>, opened: (keyword: String, line: Int)? = nil)
        throws(ChatTemplateError)
        -> ([TemplateNode], (keyword: String, parser: ExpressionParser, line: Int)?)
    {
        var nodes: [TemplateNode] = []
        while index < segments.count {
            let segment = segments[index]
            index += 1
            switch segment {
            case .text(let text):
                nodes.append(.text(text))
            case .expression(let source, let line):
                var parser = try ExpressionParser(source, line: line)
                nodes.append(.output(try parser.parseAll(), line: line))
            case .statement(let source, let line):
                var parser = try ExpressionParser(source, line: line)
                let keyword = try parser.name()
                if terminators.contains(keyword) { return (nodes, (keyword, parser, line)) }
                switch keyword {
                case "if": nodes.append(try parseIf(parser, line: line))
                case "for": nodes.append(try parseFor(parser, line: line))
                case "set": nodes.append(try parseSet(parser, line: line))
                case "elif", "else", "endif", "endfor":
                    throw ChatTemplateError(line: line, "\"\(keyword)\" without a statement to continue or end")
                default:
                    throw ChatTemplateError.unsupported("the statement \"\(keyword)\"", line: line)
                }
            }
        }
        if let opened {
            throw ChatTemplateError(line: opened.line, "the \"\(opened.keyword)\" block is never closed (the template ends before one of: \(terminators.sorted().joined(separator: ", ")))")
        }
        return (nodes, nil)
    }

    private mutating func parseIf(_ header: ExpressionParser, line: Int) throws(ChatTemplateError) -> TemplateNode {
        var parser = header
        var branches: [(condition: Expression, body: [TemplateNode])] = []
        var condition = try parser.parseAll()
        while true {
            let (body, end) = try parseBody(until: ["elif", "else", "endif"], opened: ("if", line))
            branches.append((condition, body))
            guard var terminator = end else { preconditionFailure("parseBody returns a terminator or throws") }
            switch terminator.keyword {
            case "elif":
                condition = try terminator.parser.parseAll()
            case "else":
                try Self.expectEnd(terminator.parser)
                let (otherwise, close) = try parseBody(until: ["endif"], opened: ("if", line))
                if let close { try Self.expectEnd(close.parser) }
                return .conditional(branches: branches, otherwise: otherwise, line: line)
            default:
                try Self.expectEnd(terminator.parser)
                return .conditional(branches: branches, otherwise: [], line: line)
            }
        }
    }

    private mutating func parseFor(_ header: ExpressionParser, line: Int) throws(ChatTemplateError) -> TemplateNode {
        var parser = header
        let variable = try parser.name()
        if parser.next == .symbol(",") {
            throw ChatTemplateError.unsupported("unpacking several loop variables", line: line)
        }
        guard parser.take(word: "in") else { throw parser.problem("expected \"in\"") }
        let sequence = try parser.parse(allowingConditional: false)
        if parser.take(word: "if") { throw ChatTemplateError.unsupported("a loop filter (for … if …)", line: line) }
        if parser.take(word: "recursive") { throw ChatTemplateError.unsupported("a recursive loop", line: line) }
        guard parser.isAtEnd else { throw parser.problem("unexpected text after the loop's sequence") }
        let (body, end) = try parseBody(until: ["else", "endfor"], opened: ("for", line))
        guard let terminator = end else { preconditionFailure("parseBody returns a terminator or throws") }
        try Self.expectEnd(terminator.parser)
        var otherwise: [TemplateNode] = []
        if terminator.keyword == "else" {
            let (elseBody, close) = try parseBody(until: ["endfor"], opened: ("for", line))
            if let close { try Self.expectEnd(close.parser) }
            otherwise = elseBody
        }
        return .loop(variable: variable, sequence: sequence, body: body, otherwise: otherwise, line: line)
    }

    private mutating func parseSet(_ header: ExpressionParser, line: Int) throws(ChatTemplateError) -> TemplateNode {
        var parser = header
        let variable = try parser.name()
        if parser.next == .symbol(".") || parser.next == .symbol(",") {
            throw ChatTemplateError.unsupported("assigning to anything but a plain name", line: line)
        }
        guard parser.take("=") else { throw ChatTemplateError.unsupported("a block assignment ({% set %}…{% endset %})", line: line) }
        return .assignment(variable: variable, value: try parser.parseAll(), line: line)
    }

    private static func expectEnd(_ parser: ExpressionParser) throws(ChatTemplateError) {
        guard parser.isAtEnd else { throw parser.problem("unexpected text after the keyword") }
    }
}
