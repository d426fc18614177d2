/// BERT's pre-tokenizer (`"type": "BertPreTokenizer"`): words end at whitespace, which is dropped, and each
/// punctuation character is a word of its own.
struct BertPreTokenizer: PreTokenizer {
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        func emit(_ range: Range<Int>) {
            if !range.isEmpty { body(UnsafeBufferPointer(rebasing: text[range])) }
        }
        var wordStart = 0
        var offset = 0
        while offset < text.count {
            let length = utf8Length(leadingByte: text[offset])
            let character = UnsafeBufferPointer(rebasing: text[offset..<offset + length])
            let traits = ScalarTraits(UInt32(scalarValue(character)))
            if traits.contains(.whitespace) {
                emit(wordStart..<offset)
                wordStart = offset + length
            } else if traits.contains(.punctuation) {
                emit(wordStart..<offset)
                emit(offset..<offset + length)
                wordStart = offset + length
            }
            offset += length
        }
        emit(wordStart..<text.count)
    }
}
