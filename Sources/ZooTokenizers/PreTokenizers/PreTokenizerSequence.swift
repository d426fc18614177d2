/// Pre-tokenizers applied in turn (`"type": "Sequence"`): each cuts the words of the one before it, as SmolLM's
/// `Digits` followed by `ByteLevel` does.
struct PreTokenizerSequence: PreTokenizer {
    let stages: [any PreTokenizer]

    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        split(text, from: 0, body)
    }

    private func split(_ text: UnsafeBufferPointer<UInt8>, from stage: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard stage < stages.count else { return body(text) }
        stages[stage].forEachWord(in: text) { split($0, from: stage + 1, body) }
    }
}
