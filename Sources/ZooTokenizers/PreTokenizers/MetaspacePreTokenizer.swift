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
            var segments: [(range: Range<Int>, isDelimiter: Bool)] = []
            var stretchStart = 0
            var offset = 0
            while offset + replacement.count <= replaced.count {
                if replaced[offset] == replacement[0]
                    && replaced[offset..<offset + replacement.count].elementsEqual(replacement)
                {
                    if stretchStart < offset { segments.append((stretchStart..<offset, false)) }
                    segments.append((offset..<offset + replacement.count, true))
                    offset += replacement.count
                    stretchStart = offset
                } else {
                    offset += 1
                }
            }
            if stretchStart < replaced.count { segments.append((stretchStart..<replaced.count, false)) }
            for word in DelimiterBehavior.mergedWithNext.words(segments) {
                body(UnsafeBufferPointer(rebasing: replaced[word]), startsInput && word.lowerBound == 0)
            }
        }
    }
}
