/// The Whitespace pre-tokenizer (`"type": "Whitespace"`), the pattern `\w+|[^\w\s]+`: runs of word characters and
/// runs of other non-whitespace characters are the words; whitespace is dropped.
struct WhitespacePreTokenizer: PreTokenizer {
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var runStart = 0
        var runIsWord: Bool?  // nil inside whitespace
        var offset = 0
        while offset < text.count {
            let length = utf8Length(leadingByte: text[offset])
            let character = UnsafeBufferPointer(rebasing: text[offset..<offset + length])
            let traits = ScalarTraits(UInt32(scalarValue(character)))
            let isWord: Bool? =
                traits.contains(.wordCharacter) ? true : traits.contains(.whitespace) ? nil : false
            if isWord != runIsWord {
                if runIsWord != nil { body(UnsafeBufferPointer(rebasing: text[runStart..<offset])) }
                runStart = offset
                runIsWord = isWord
            }
            offset += length
        }
        if runIsWord != nil { body(UnsafeBufferPointer(rebasing: text[runStart...])) }
    }
}

/// The WhitespaceSplit pre-tokenizer (`"type": "WhitespaceSplit"`): words are what lies between whitespace.
struct WhitespaceSplitPreTokenizer: PreTokenizer {
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        splitAtWhitespace(text, isolating: [], body)
    }
}

/// Calls `body` with the words of `text`: what lies between whitespace (dropped), with every character that has
/// one of the `isolated` traits made a word of its own.
func splitAtWhitespace(_ text: UnsafeBufferPointer<UInt8>, isolating isolated: ScalarTraits,
                       _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    func emit(_ range: Range<Int>) {
        if !range.isEmpty { body(UnsafeBufferPointer(rebasing: text[range])) }
    }
    var wordStart = 0
    var offset = 0
    while offset < text.count {
        let length = utf8Length(leadingByte: text[offset])
        let character = UnsafeBufferPointer(rebasing: text[offset..<offset + length])
        let value = UInt32(scalarValue(character))
        // No whitespace lies beyond the basic plane: there, only isolated characters need their traits worked out.
        let traits = value < 0x1_0000 || !isolated.isEmpty ? ScalarTraits(value) : []
        if traits.contains(.whitespace) {
            emit(wordStart..<offset)
            wordStart = offset + length
        } else if !traits.isDisjoint(with: isolated) {
            emit(wordStart..<offset)
            emit(offset..<offset + length)
            wordStart = offset + length
        }
        offset += length
    }
    emit(wordStart..<text.count)
}
