/// When Metaspace puts its replacement character before a text that does not start with one.
enum PrependScheme: String, Sendable {
    case always
    /// Only before the text that starts the input, not after an added token.
    case first
    case never
}

/// SentencePiece's pre-tokenizer (`"type": "Metaspace"`): every space becomes the replacement character ("▁"),
/// which is put before the text as the prepend scheme says; with `split`, each replacement character then starts
/// a word (Hugging Face's `MergedWithNext`: "▁▁a" is "▁" and "▁a").
struct MetaspacePreTokenizer: PreTokenizer {
    let replacement: [UInt8]
    let prependScheme: PrependScheme
    let split: Bool

    var needsInputStart: Bool { prependScheme == .first }

    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachWord(in: text, startsInput: true) { word, _ in body(word) }
    }

    func forEachWord(
        in text: UnsafeBufferPointer<UInt8>, startsInput: Bool, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void
    ) {
        guard !text.isEmpty else { return }
        var replaced = replacingOccurrences(of: [UInt8(ascii: " ")], with: replacement, in: text)
        let prepends = prependScheme == .always || (prependScheme == .first && startsInput)
        if prepends && !replaced.starts(with: replacement) { replaced.insert(contentsOf: replacement, at: 0) }
        replaced.withUnsafeBufferPointer { replaced in
            guard split else { return body(replaced, startsInput) }
            // Each replacement character starts a word, so "▁▁a" is "▁" and "▁a".
            var wordStart = 0
            var offset = 0
            while offset + replacement.count <= replaced.count {
                if replaced[offset] == replacement[0]
                    && (replacement.count == 1
                        || replaced[offset + 1..<offset + replacement.count].elementsEqual(replacement.dropFirst()))
                {
                    if offset > wordStart {
                        body(UnsafeBufferPointer(rebasing: replaced[wordStart..<offset]), startsInput && wordStart == 0)
                    }
                    wordStart = offset
                    offset += replacement.count
                } else {
                    offset += 1
                }
            }
            if wordStart < replaced.count {
                body(UnsafeBufferPointer(rebasing: replaced[wordStart...]), startsInput && wordStart == 0)
            }
        }
    }
}
