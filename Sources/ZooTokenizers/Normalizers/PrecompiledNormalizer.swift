import Foundation

/// SentencePiece's normalization rules as Hugging Face applies them (`"type": "Precompiled"`): the text is cut
/// into extended grapheme clusters; a cluster shorter than 6 bytes whose start the rules rewrite becomes that
/// rewrite as a whole (the shortest rule that matches, so "Ａ\u{301}" loses its accent); any other cluster is
/// rewritten one character at a time. SentencePiece itself matches the longest rule at each position instead.
struct PrecompiledNormalizer: Normalizer {
    let charsmap: PrecompiledCharsmap

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count + text.count / 4)
        charsmap.withReplacementBytes { replacements in
            func rewrite(_ part: UnsafeBufferPointer<UInt8>) -> Bool {
                guard let replacement = charsmap.replacement(ofPrefixOf: part) else { return false }
                output.append(contentsOf: replacements[replacement])
                return true
            }
            forEachGraphemeCluster(in: text) { cluster in
                if cluster.count < 6 && rewrite(cluster) { return }
                forEachScalar(in: cluster) { _, character in
                    if !rewrite(character) { output.append(contentsOf: character) }
                }
            }
        }
        return output
    }
}

/// Calls `body` with each extended grapheme cluster of `text` (valid UTF-8), by the standard library's rules.
/// An ASCII character other than CR always ends its cluster when an ASCII character follows, which spares the
/// rules most of the work on ASCII text.
func forEachGraphemeCluster(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    let carriageReturn: UInt8 = 0x0D
    var recognizer = Unicode._CharacterRecognizer()
    var clusterStart = 0
    var offset = 0
    while offset < text.count {
        let byte = text[offset]
        let asciiFollows = offset + 1 < text.count && text[offset + 1] < 0x80
        if offset == clusterStart && byte < 0x80 && byte != carriageReturn && asciiFollows {
            body(UnsafeBufferPointer(rebasing: text[offset..<offset + 1]))
            offset += 1
            clusterStart = offset
            continue
        }
        // With no cluster open, the rules start afresh: the character before ended its cluster.
        if offset == clusterStart { recognizer = Unicode._CharacterRecognizer() }
        let length = utf8Length(leadingByte: byte)
        let value = UInt32(scalarValue(UnsafeBufferPointer(rebasing: text[offset..<offset + length])))
        if recognizer.hasBreak(before: Unicode.Scalar(value)!) && offset > clusterStart {
            body(UnsafeBufferPointer(rebasing: text[clusterStart..<offset]))
            clusterStart = offset
        }
        offset += length
        if byte < 0x80 && byte != carriageReturn && offset < text.count && text[offset] < 0x80 {
            body(UnsafeBufferPointer(rebasing: text[clusterStart..<offset]))
            clusterStart = offset
        }
    }
    if offset > clusterStart { body(UnsafeBufferPointer(rebasing: text[clusterStart..<offset])) }
}
