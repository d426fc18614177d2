/// GPT-2's pre-tokenizer (`"type": "ByteLevel"`): splits text with the GPT-2 pattern, then spells each piece's
/// bytes with `ByteLevelAlphabet`, so that " world" becomes "Ġworld".
struct ByteLevelPreTokenizer: PreTokenizer {
    /// Prepend a space to text that does not start with one, so its first word looks like any other.
    /// Hugging Face does this to every piece between added tokens, not only to the start of the input.
    var addPrefixSpace: Bool
    /// Split with the GPT-2 pattern; without it the whole text is one word.
    var useRegex: Bool

    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard addPrefixSpace && text.first != UInt8(ascii: " ") else {
            split(text, body)
            return
        }
        let spaced = [UInt8(ascii: " ")] + text
        spaced.withUnsafeBufferPointer { split($0, body) }
    }

    private func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // A character of the alphabet takes at most two bytes, so any word fits twice the text's length.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * text.count) { word in
            ByteLevelAlphabet.utf8.withUnsafeBufferPointer { alphabet in
                func spell(_ range: Range<Int>) {
                    var length = 0
                    for byte in text[range] {
                        let character = alphabet[Int(byte)]
                        word[length] = character.first
                        length += 1
                        if character.first >= 0x80 {
                            word[length] = character.second
                            length += 1
                        }
                    }
                    body(UnsafeBufferPointer(rebasing: word[0..<length]))
                }
                if useRegex {
                    GPT2Split.forEachPiece(in: text, spell)
                } else {
                    spell(0..<text.count)
                }
            }
        }
    }
}
