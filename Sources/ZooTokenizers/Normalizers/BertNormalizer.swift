/// BERT's normalizer (`"type": "BertNormalizer"`), its steps in Hugging Face's order: clean_text removes control
/// and format characters and turns whitespace into spaces; handle_chinese_chars puts a space on each side of a CJK
/// ideograph; strip_accents decomposes (NFD) and drops the nonspacing marks; lowercase lowercases.
struct BertNormalizer: Normalizer {
    let cleanText: Bool
    let handleChineseCharacters: Bool
    let stripAccents: Bool
    let lowercase: Bool
    /// What becomes of each ASCII byte: the byte it becomes, or -1 where it is removed.
    private let asciiMap: [Int16]
    private static let longestPending = 256

    /// A nil `stripAccents` follows `lowercase`, as in the original BERT.
    init(
        cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true
    ) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents ?? lowercase
        self.lowercase = lowercase
        asciiMap = (0..<128).map { byte in
            if cleanText {
                // Tab, newline and carriage return are whitespace; other controls, NUL and DEL go.
                if [0x09, 0x0A, 0x0D].contains(byte) { return 0x20 }
                if byte < 0x20 || byte == 0x7F { return -1 }
            }
            return lowercase && (0x41...0x5A).contains(byte) ? Int16(byte + 0x20) : Int16(byte)
        }
    }

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count + text.count / 8)
        // The text from a character strip_accents must decompose on, decomposed together: in one call for a word,
        // rather than for each accented letter. It can end at any ASCII character, which has no decomposition and
        // which nothing reorders across; it ends at a space, or there once it is long.
        var pending: [UInt8] = []
        var offset = 0
        while offset < text.count {
            let byte = text[offset]
            if byte < 0x80 {
                offset += 1
                let mapped = asciiMap[Int(byte)]
                if mapped < 0 { continue }
                if !pending.isEmpty {
                    if mapped != 0x20 && pending.count < Self.longestPending {
                        pending.append(UInt8(mapped))
                        continue
                    }
                    flush(&pending, to: &output)
                }
                output.append(UInt8(mapped))
                continue
            }
            let length = utf8Length(leadingByte: byte)
            let character = UnsafeBufferPointer(rebasing: text[offset..<offset + length])
            offset += length
            let value = UInt32(scalarValue(character))
            let traits = ScalarTraits(value)
            if cleanText {
                if traits.contains(.removedByCleanText) { continue }
                if traits.contains(.whitespace) {
                    if !pending.isEmpty { flush(&pending, to: &output) }
                    output.append(0x20)
                    continue
                }
            }
            let spaced = handleChineseCharacters && traits.contains(.chineseCharacter)
            if spaced {
                if !pending.isEmpty { flush(&pending, to: &output) }
                output.append(0x20)
            }
            if stripAccents {
                pending.append(contentsOf: character)
            } else if lowercase {
                Lowercasing.append(value, to: &output)
            } else {
                output.append(contentsOf: character)
            }
            if spaced {
                if !pending.isEmpty { flush(&pending, to: &output) }
                output.append(0x20)
            }
        }
        if !pending.isEmpty { flush(&pending, to: &output) }
        return output
    }

    /// clean_text removes control characters with Hugging Face's `filter`, which keeps alignments.
    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cleanText, let value = firstScalarValue(of: text) else { return false }
        return value < 0x80 ? asciiMap[Int(value)] < 0 : ScalarTraits(value).contains(.removedByCleanText)
    }

    /// Decomposes `pending`, drops its nonspacing marks and lowercases the rest when asked.
    private func flush(_ pending: inout [UInt8], to output: inout [UInt8]) {
        var decomposed: [UInt8] = []
        pending.withUnsafeBufferPointer { NormalizationForm.nfd.normalize($0, appendingTo: &decomposed) }
        pending.removeAll(keepingCapacity: true)
        decomposed.withUnsafeBufferPointer { decomposed in
            forEachScalar(in: decomposed) { value, character in
                if ScalarTraits(value).contains(.nonspacingMark) { return }
                if lowercase {
                    Lowercasing.append(value, to: &output)
                } else {
                    output.append(contentsOf: character)
                }
            }
        }
    }
}
