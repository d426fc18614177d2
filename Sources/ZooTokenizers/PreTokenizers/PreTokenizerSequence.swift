/// Pre-tokenizers applied in turn (`"type": "Sequence"`): each cuts the words of the one before it, as SmolLM's
/// `Digits` followed by `ByteLevel` does, or T5's `WhitespaceSplit` followed by `Metaspace`.
struct PreTokenizerSequence: PreTokenizer {
    let stages: [any PreTokenizer]

    var needsInputStart: Bool { stages.contains { $0.needsInputStart } }

    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachWord(in: text, startsInput: true) { word, _ in body(word) }
    }

    func forEachWord(
        in text: UnsafeBufferPointer<UInt8>, startsInput: Bool, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void
    ) {
        split(text, startsInput: startsInput, from: 0, body)
    }

    private func split(
        _ text: UnsafeBufferPointer<UInt8>, startsInput: Bool, from stage: Int,
        _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void
    ) {
        guard stage < stages.count else { return body(text, startsInput) }
        stages[stage].forEachWord(in: text, startsInput: startsInput) { word, startsInput in
            split(word, startsInput: startsInput, from: stage + 1, body)
        }
    }
}
