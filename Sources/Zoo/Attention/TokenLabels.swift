import ZooTokenizers

/// Labels a reader can read for the tokens of a text: each token's text as the tokenizer decodes it (a byte-level
/// token shows its characters, not the symbols that spell its bytes), with the spaces at its edges shown as "␣",
/// line breaks as "↵", tabs as "⇥" and other control characters as their Unicode pictures. Tokens that hold only
/// parts of a character (an emoji split across byte-level tokens) show the text they make together and which part
/// each is, such as "🙂 1/3".
enum TokenLabels {
    /// The longest label, in characters; longer ones are cut with "…".
    static let maxLength = 16
    /// The most tokens one character's bytes are looked for across (a UTF-8 character has at most 4 bytes, and a
    /// token may also end with the start of the next character).
    static let maxRun = 8

    static func labels(of ids: [Int], tokenizer: Tokenizer) -> [String] {
        let alone = ids.map { tokenizer.decode([$0]) }
        var labels = zip(ids, alone).map { id, text in
            shortened(readable(text.isEmpty ? tokenizer.token(for: id) ?? "#\(id)" : text))
        }
        var start = 0
        while start < ids.count {
            guard alone[start].contains("\u{FFFD}") else {
                start += 1
                continue
            }
            // The shortest run of tokens from here whose bytes together are whole characters.
            let ends = (start + 1)..<min(ids.count, start + maxRun)
            guard let end = ends.first(where: { !tokenizer.decode(Array(ids[start...$0])).contains("\u{FFFD}") }) else {
                start += 1
                continue
            }
            let text = shortened(readable(tokenizer.decode(Array(ids[start...end]))))
            for (part, index) in (start...end).enumerated() {
                labels[index] = "\(text) \(part + 1)/\(end - start + 1)"
            }
            start = end + 1
        }
        return labels
    }

    /// `text` with edge spaces and control characters made visible.
    static func readable(_ text: String) -> String {
        let leading = text.prefix { $0 == " " }.count
        let trailing = leading == text.count ? 0 : text.reversed().prefix { $0 == " " }.count
        var result = String(repeating: "␣", count: leading)
        for scalar in text.unicodeScalars.dropFirst(leading).dropLast(trailing) {
            switch scalar {
            case "\n": result += "↵"
            case "\t": result += "⇥"
            case "\r": result += "␍"
            case "\u{7F}": result += "␡"
            case _ where scalar.value < 0x20: result.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + String(repeating: "␣", count: trailing)
    }

    static func shortened(_ label: String) -> String {
        label.count <= maxLength ? label : label.prefix(maxLength - 1) + "…"
    }
}
