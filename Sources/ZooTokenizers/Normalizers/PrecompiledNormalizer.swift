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
            var clusters = GraphemeClusters(text)
            while let range = clusters.next() {
                let cluster = UnsafeBufferPointer(rebasing: text[range])
                if cluster.count < 6, let replacement = charsmap.replacement(ofPrefixOf: cluster) {
                    output.append(contentsOf: replacements[replacement])
                    continue
                }
                if cluster.count == 1 {
                    output.append(cluster[0])
                    continue
                }
                var offset = 0
                while offset < cluster.count {
                    let length = utf8Length(leadingByte: cluster[offset])
                    let character = UnsafeBufferPointer(rebasing: cluster[offset..<offset + length])
                    if let replacement = charsmap.replacement(ofPrefixOf: character) {
                        output.append(contentsOf: replacements[replacement])
                    } else {
                        output.append(contentsOf: character)
                    }
                    offset += length
                }
            }
        }
        return output
    }
}

/// The extended grapheme clusters of a text (valid UTF-8) as byte ranges, by the standard library's rules. An
/// ASCII character other than CR always ends its cluster when an ASCII character follows, which spares the rules
/// most of the work on ASCII text.
struct GraphemeClusters {
    private let text: UnsafeBufferPointer<UInt8>
    private var recognizer = Unicode._CharacterRecognizer()
    private var offset = 0

    init(_ text: UnsafeBufferPointer<UInt8>) {
        self.text = text
    }

    mutating func next() -> Range<Int>? {
        let carriageReturn: UInt8 = 0x0D
        let clusterStart = offset
        guard offset < text.count else { return nil }
        let first = text[offset]
        if first < 0x80 && first != carriageReturn && offset + 1 < text.count && text[offset + 1] < 0x80 {
            offset += 1
            return clusterStart..<offset
        }
        // The character before ended its cluster, so the rules start afresh.
        recognizer = Unicode._CharacterRecognizer()
        while offset < text.count {
            let byte = text[offset]
            let length = utf8Length(leadingByte: byte)
            let value = UInt32(scalarValue(UnsafeBufferPointer(rebasing: text[offset..<offset + length])))
            if recognizer.hasBreak(before: Unicode.Scalar(value)!) && offset > clusterStart { break }
            offset += length
            if byte < 0x80 && byte != carriageReturn && offset < text.count && text[offset] < 0x80 { break }
        }
        return clusterStart..<offset
    }
}
