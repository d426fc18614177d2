/// The Punctuation pre-tokenizer (`"type": "Punctuation"`): splits at each punctuation character, BERT's
/// definition of punctuation, which the behavior keeps apart, drops or joins to its neighbours.
struct PunctuationPreTokenizer: PreTokenizer {
    let behavior: DelimiterBehavior

    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var segments: [(range: Range<Int>, isDelimiter: Bool)] = []
        var stretchStart = 0
        var offset = 0
        while offset < text.count {
            let length = utf8Length(leadingByte: text[offset])
            let character = UnsafeBufferPointer(rebasing: text[offset..<offset + length])
            let traits = ScalarTraits(UInt32(scalarValue(character)))
            if traits.contains(.punctuation) {
                if stretchStart < offset { segments.append((stretchStart..<offset, false)) }
                segments.append((offset..<offset + length, true))
                stretchStart = offset + length
            }
            offset += length
        }
        if stretchStart < text.count { segments.append((stretchStart..<text.count, false)) }
        for word in behavior.words(segments) { body(UnsafeBufferPointer(rebasing: text[word])) }
    }
}
