/// Finds added tokens in text and cuts it around them, as Hugging Face's `AddedVocabulary::find_matches` does:
/// matches are leftmost-longest and do not overlap; `singleWord` may then discard one, and `leftStrip` and
/// `rightStrip` widen it over neighbouring whitespace.
struct AddedTokenMatcher: Sendable {
    enum Piece {
        case text(Range<Int>)
        case token(id: Int, range: Range<Int>)
    }

    /// A byte trie of the tokens' contents.
    private struct Node {
        var children: [(byte: UInt8, node: Int32)] = []
        /// Index into `tokens` of the token ending here, or -1.
        var token: Int32 = -1
    }

    private let tokens: [(id: Int, token: AddedToken)]
    private let nodes: [Node]
    private let startsToken: [Bool]

    init(_ tokens: [(id: Int, token: AddedToken)]) {
        var nodes = [Node()]
        var startsToken = [Bool](repeating: false, count: 256)
        for (index, entry) in tokens.enumerated() {
            guard let first = entry.token.content.utf8.first else { continue }
            startsToken[Int(first)] = true
            var node = 0
            for byte in entry.token.content.utf8 {
                if let child = nodes[node].children.first(where: { $0.byte == byte }) {
                    node = Int(child.node)
                } else {
                    nodes.append(Node())
                    nodes[node].children.append((byte, Int32(nodes.count - 1)))
                    node = nodes.count - 1
                }
            }
            nodes[node].token = Int32(index)
        }
        self.tokens = tokens
        self.nodes = nodes
        self.startsToken = startsToken
    }

    /// The pieces of `text` in order: the added tokens and the text between them (never empty).
    func split(_ text: UnsafeBufferPointer<UInt8>) -> [Piece] {
        if tokens.isEmpty { return text.isEmpty ? [] : [.text(0..<text.count)] }
        var pieces: [Piece] = []
        var textStart = 0
        for (index, matchStart, matchEnd) in matches(in: text) {
            var start = matchStart
            var end = matchEnd
            let (id, token) = tokens[index]
            if token.singleWord {
                let wordBefore = start > 0 && isWordCharacter(scalar(endingAt: start, in: text))
                let wordAfter = end < text.count && isWordCharacter(scalar(startingAt: end, in: text))
                if wordBefore || wordAfter { continue }
            }
            if token.leftStrip {
                while start > 0 && isWhitespace(scalar(endingAt: start, in: text)) {
                    start -= utf8Length(endingAt: start, in: text)
                }
                start = max(start, textStart)  // whitespace the previous token took stays with it
            }
            if token.rightStrip {
                while end < text.count && isWhitespace(scalar(startingAt: end, in: text)) {
                    end += utf8Length(leadingByte: text[end])
                }
            }
            if textStart < start { pieces.append(.text(textStart..<start)) }
            pieces.append(.token(id: id, range: start..<end))
            textStart = end
        }
        if textStart < text.count { pieces.append(.text(textStart..<text.count)) }
        return pieces
    }

    /// Leftmost-longest, non-overlapping matches: (token index, start, end).
    private func matches(in text: UnsafeBufferPointer<UInt8>) -> [(Int, Int, Int)] {
        var found: [(Int, Int, Int)] = []
        var position = 0
        while position < text.count {
            guard startsToken[Int(text[position])] else {
                position += 1
                continue
            }
            var node = 0
            var longest: (token: Int, end: Int)?
            var offset = position
            while offset < text.count,
                let child = nodes[node].children.first(where: { $0.byte == text[offset] })
            {
                node = Int(child.node)
                offset += 1
                if nodes[node].token >= 0 { longest = (Int(nodes[node].token), offset) }
            }
            if let longest {
                found.append((longest.token, position, longest.end))
                position = longest.end
            } else {
                position += 1
            }
        }
        return found
    }
}

/// Rust regex's `\w`, which Hugging Face uses for `single_word` and the Whitespace pre-tokenizer.
func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    let properties = scalar.properties
    guard isAssignedInReferenceUnicode(properties) else { return false }
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
    default: return properties.isAlphabetic || properties.isJoinControl
    }
}

/// Rust regex's `\s`, which Hugging Face uses for `lstrip` and `rstrip`.
private func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace
}

private func scalar(startingAt offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar {
    let length = min(utf8Length(leadingByte: text[offset]), text.count - offset)
    return Unicode.Scalar(UInt32(scalarValue(UnsafeBufferPointer(rebasing: text[offset..<offset + length]))))
        ?? "\u{FFFD}"
}

private func scalar(endingAt offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar {
    scalar(startingAt: offset - utf8Length(endingAt: offset, in: text), in: text)
}

/// The length of the UTF-8 sequence that ends just before `offset`.
private func utf8Length(endingAt offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
    var start = offset - 1
    while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
    return offset - start
}
