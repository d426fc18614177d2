/// BERT's pre-tokenizer (`"type": "BertPreTokenizer"`): words end at whitespace, which is dropped, and each
/// punctuation character is a word of its own.
struct BertPreTokenizer: PreTokenizer {
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        splitAtWhitespace(text, isolating: .punctuation, body)
    }
}
