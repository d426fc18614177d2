import Foundation

/// SentencePiece's compiled normalization rules (`precompiled_charsmap`): a little-endian UInt32 byte count, that
/// many bytes of a darts-clone double-array trie over the UTF-8 of the texts to rewrite, then their replacements,
/// each ending with a NUL byte. A trie leaf's value is the offset of its replacement.
///
/// Lookups stop safely on a corrupt trie (an index outside it counts as no match), where Hugging Face would fail.
struct PrecompiledCharsmap: Sendable {
    private let units: [UInt32]
    private let replacements: [UInt8]
    /// The replacement of each ASCII character, or nil: most text is ASCII.
    private let asciiReplacements: [Range<Int>?]

    /// `problem` describes a blob that cannot be read.
    init(_ blob: Data) throws(CharsmapProblem) {
        let bytes = [UInt8](blob)
        guard bytes.count >= 4 else { throw CharsmapProblem("it is shorter than its 4-byte header") }
        let trieSize = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        // Like Hugging Face, a size that is not a multiple of 4 leaves the bytes beyond the last unit to the
        // replacements.
        let unitCount = trieSize / 4
        guard unitCount >= 1, 4 + unitCount * 4 <= bytes.count else {
            throw CharsmapProblem("its trie of \(trieSize) bytes does not fit in \(bytes.count - 4) bytes")
        }
        let units: [UInt32] = (0..<unitCount).map { index in
            let at = 4 + index * 4
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
                | UInt32(bytes[at + 3]) << 24
        }
        let replacements = Array(bytes[(4 + unitCount * 4)...])
        guard (try? UTF8Span(validating: replacements.span)) != nil else {
            throw CharsmapProblem("its replacement texts are not valid UTF-8")
        }
        self.units = units
        self.replacements = replacements
        asciiReplacements = (0..<128).map { byte in
            [UInt8(byte)].withUnsafeBufferPointer {
                Self.shortestMatch(units: units, replacements: replacements, in: $0)
            }
        }
    }

    /// The replacement of the shortest prefix of `text` that the trie holds, as Hugging Face's `transform` takes
    /// the first of its common-prefix matches; nil when there is none.
    @inline(__always)
    func replacement(ofPrefixOf text: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        if text.count == 1 && text[0] < 0x80 { return asciiReplacements[Int(text[0])] }
        return Self.shortestMatch(units: units, replacements: replacements, in: text)
    }

    func withReplacementBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        replacements.withUnsafeBufferPointer(body)
    }

    private static func shortestMatch(units: [UInt32], replacements: [UInt8], in text: UnsafeBufferPointer<UInt8>)
        -> Range<Int>?
    {
        func offset(_ unit: UInt32) -> Int { Int(unit >> 10) << Int((unit & (1 << 9)) >> 6) }
        var position = offset(units[0])
        for byte in text {
            if byte == 0 { return nil }
            position ^= Int(byte)
            guard position < units.count else { return nil }
            let unit = units[position]
            guard unit & (1 << 31 | 0xFF) == UInt32(byte) else { return nil }
            position ^= offset(unit)
            if (unit >> 8) & 1 == 1 {
                guard position < units.count else { return nil }
                return replacementRange(at: Int(units[position] & 0x7FFF_FFFF), in: replacements)
            }
        }
        return nil
    }

    /// The text from `start` to the next NUL byte; nil where Hugging Face would fail (outside the texts, or not at a
    /// character's start).
    private static func replacementRange(at start: Int, in replacements: [UInt8]) -> Range<Int>? {
        guard start <= replacements.count else { return nil }
        if start < replacements.count && replacements[start] & 0xC0 == 0x80 { return nil }
        var end = start
        while end < replacements.count && replacements[end] != 0 { end += 1 }
        return start..<end
    }
}

struct CharsmapProblem: Error {
    let description: String
    init(_ description: String) { self.description = description }
}
