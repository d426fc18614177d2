/// A piece of a template: literal text, or the inside of a `{{ … }}` or `{% … %}` tag.
enum TemplateSegment: Equatable {
    case text(String)
    case expression(String, line: Int)
    case statement(String, line: Int)
}

/// Cuts a template into text and tags, applying whitespace control as transformers configures Jinja for chat
/// templates: `{%-`/`-%}` (and the same on `{{ }}` and `{# #}`) strip all whitespace on that side; `trim_blocks`
/// drops the first newline after a block or comment tag; `lstrip_blocks` drops the spaces and tabs between the start
/// of a line and a block or comment tag; `+` on either side turns those two off for that tag. As with Jinja's
/// defaults, line endings become "\n" and one trailing newline of the template is dropped.
enum TemplateLexer {
    static func segments(_ source: String) throws(ChatTemplateError) -> [TemplateSegment] {
        var text = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if text.hasSuffix("\n") { text.removeLast() }
        let bytes = Array(text.utf8)
        var segments: [TemplateSegment] = []
        var pending: [UInt8] = []
        /// Whether `pending` starts at the beginning of a line, which `lstrip_blocks` needs to know.
        var pendingStartsLine = true
        var stripNextText = false
        var position = 0
        var line = 1

        func flush() {
            if !pending.isEmpty { segments.append(.text(String(decoding: pending, as: UTF8.self))) }
            pending = []
        }
        while position < bytes.count {
            guard bytes[position] == UInt8(ascii: "{"), position + 1 < bytes.count,
                  let kind = TagKind(bytes[position + 1]) else {
                if stripNextText && isWhitespace(bytes[position]) {
                    if bytes[position] == UInt8(ascii: "\n") { line += 1 }
                    position += 1
                    continue
                }
                stripNextText = false
                if bytes[position] == UInt8(ascii: "\n") { line += 1 }
                pending.append(bytes[position])
                position += 1
                continue
            }
            stripNextText = false
            let tagLine = line
            var inner = position + 2
            let leftModifier = inner < bytes.count ? bytes[inner] : 0
            if leftModifier == UInt8(ascii: "-") || leftModifier == UInt8(ascii: "+") { inner += 1 }
            if leftModifier == UInt8(ascii: "-") {
                while let last = pending.last, isWhitespace(last) { pending.removeLast() }
            } else if leftModifier != UInt8(ascii: "+") && kind != .expression {
                let lineStart = pending.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
                if lineStart != nil || pendingStartsLine {
                    let start = lineStart ?? 0
                    if pending[start...].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                        pending.removeSubrange(start...)
                    }
                }
            }
            guard let close = closingOffset(of: kind, in: bytes, from: inner) else {
                throw ChatTemplateError(line: tagLine, "a \(kind.opening) tag is never closed with \(kind.closing)")
            }
            var contentEnd = close
            let rightModifier = close > inner ? bytes[close - 1] : 0
            if rightModifier == UInt8(ascii: "-") || rightModifier == UInt8(ascii: "+") { contentEnd -= 1 }
            let content = String(decoding: bytes[inner..<max(inner, contentEnd)], as: UTF8.self)
            line += bytes[position..<close].filter { $0 == UInt8(ascii: "\n") }.count
            flush()
            switch kind {
            case .expression: segments.append(.expression(content, line: tagLine))
            case .statement: segments.append(.statement(content, line: tagLine))
            case .comment: break
            }
            position = close + 2
            if rightModifier == UInt8(ascii: "-") {
                stripNextText = true
            } else if rightModifier != UInt8(ascii: "+") && kind != .expression
                        && position < bytes.count && bytes[position] == UInt8(ascii: "\n") {
                position += 1
                line += 1
            }
            pendingStartsLine = position == 0 || bytes[position - 1] == UInt8(ascii: "\n")
        }
        flush()
        return segments
    }

    private enum TagKind: Equatable {
        case expression, statement, comment

        init?(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "{"): self = .expression
            case UInt8(ascii: "%"): self = .statement
            case UInt8(ascii: "#"): self = .comment
            default: return nil
            }
        }

        var opening: String { ["{{", "{%", "{#"][index] }
        var closing: String { ["}}", "%}", "#}"][index] }
        private var index: Int { self == .expression ? 0 : self == .statement ? 1 : 2 }
    }

    /// Where the tag's closing delimiter starts; quotes inside `{{ }}` and `{% %}` may hold the delimiter.
    private static func closingOffset(of kind: TagKind, in bytes: [UInt8], from start: Int) -> Int? {
        let closing = Array(kind.closing.utf8)
        var quote: UInt8?
        var index = start
        while index + 1 < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == open { quote = nil }
            } else if kind != .comment && (byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"")) {
                quote = byte
            } else if byte == closing[0] && bytes[index + 1] == closing[1] {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
