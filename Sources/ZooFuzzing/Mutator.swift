import Foundation

/// A small, fast, seedable generator (SplitMix64), so that input `i` of seed `s` can be made again exactly.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Makes inputs from a corpus by seeded mutation: the same seed, index and corpus give the same input.
public struct Mutator {
    public let corpus: [Data]

    public init(corpus: [Data]) {
        precondition(!corpus.isEmpty, "the corpus is empty")
        self.corpus = corpus
    }

    /// Input number `index` of the run seeded `seed`.
    public func input(seed: UInt64, index: UInt64) -> Data {
        var random = SeededGenerator(seed: seed &* 0x1000_0000_01B3 ^ index &* 0x9E37_79B9)
        var data = corpus[Int.random(in: 0..<corpus.count, using: &random)]
        // Every 16th input is a corpus file as it is, the rest carry 1 to 8 mutations.
        guard index % 16 != 0 else { return data }
        for _ in 0..<Int.random(in: 1...8, using: &random) { mutate(&data, &random) }
        return data
    }

    /// Integers that sit on boundaries: lengths, counts and offsets are most often wrong in these ways.
    static let interesting: [UInt64] = [0, 1, 2, 7, 8, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 1024, 4095, 4096,
                                        0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
                                        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, UInt64.max,
                                        UInt64.max - 1, 1 << 40, 100_000_000]
    /// Fragments that change the structure of JSON and text files.
    static let fragments: [String] = ["{", "}", "[", "]", "\"", ",", ":", "\\u", "\\ud800", "null", "true", "-1", "0",
                                      "1e309", "-0", "9223372036854775807", "18446744073709551616", "\n", "\r",
                                      " ", "\u{0}", "##", "Ġ", "\u{FFFD}", "\"model\"", "\"type\"", "\"BPE\"",
                                      "\"WordPiece\"", "\"vocab\"", "\"merges\"", "[]", "{}", "\"\"", "\u{10FFFF}"]

    private func offset(_ data: Data, _ random: inout SeededGenerator) -> Int {
        guard !data.isEmpty else { return 0 }
        // Headers live at the front: half the mutations land in the first 4 KiB.
        let limit = Bool.random(using: &random) ? min(data.count, 4096) : data.count
        return Int.random(in: 0..<limit, using: &random)
    }

    private func mutate(_ data: inout Data, _ random: inout SeededGenerator) {
        let start = data.startIndex
        switch Int.random(in: 0..<10, using: &random) {
        case 0 where !data.isEmpty:  // flip a bit
            let at = start + offset(data, &random)
            data[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        case 1 where !data.isEmpty:  // set a byte
            let at = start + offset(data, &random)
            data[at] = [0, 0xFF, 0x7F, 0x80, 0x01, UInt8.random(in: 0...255, using: &random)].randomElement(using: &random)!
        case 2 where data.count >= 8:  // an interesting integer of 1, 2, 4 or 8 bytes, little-endian
            let width = [1, 2, 4, 8].randomElement(using: &random)!
            let at = min(offset(data, &random), data.count - width)
            var value = Self.interesting.randomElement(using: &random)!
            if Bool.random(using: &random) { value &+= UInt64.random(in: 0...3, using: &random) &- 1 }
            for byte in 0..<width { data[start + at + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
        case 3 where data.count > 1:  // delete a range
            let at = offset(data, &random)
            let length = min(data.count - at, Int.random(in: 1...64, using: &random))
            data.removeSubrange((start + at)..<(start + at + length))
        case 4 where !data.isEmpty:  // duplicate a range
            let at = offset(data, &random)
            let length = min(data.count - at, Int.random(in: 1...64, using: &random))
            let piece = data[(start + at)..<(start + at + length)]
            data.insert(contentsOf: piece, at: start + offset(data, &random))
        case 5:  // insert a structural fragment
            let fragment = Data(Self.fragments.randomElement(using: &random)!.utf8)
            data.insert(contentsOf: fragment, at: start + offset(data, &random))
        case 6 where data.count > 1:  // truncate
            data = data.prefix(Int.random(in: 0..<data.count, using: &random))
        case 7:  // splice the tail of another corpus file
            let other = corpus.randomElement(using: &random)!
            let at = offset(data, &random)
            let from = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &random)
            data = data.prefix(at) + other.dropFirst(from).prefix(4096)
        case 8 where !data.isEmpty:  // overwrite a range with one repeated byte
            let at = offset(data, &random)
            let length = min(data.count - at, Int.random(in: 1...32, using: &random))
            let byte = UInt8.random(in: 0...255, using: &random)
            data.replaceSubrange((start + at)..<(start + at + length), with: [UInt8](repeating: byte, count: length))
        default:  // repeat a fragment many times (deep nesting, long runs)
            let fragment = Self.fragments.randomElement(using: &random)!
            let repeated = Data(String(repeating: fragment, count: Int.random(in: 2...5000, using: &random)).utf8)
            data.insert(contentsOf: repeated, at: start + offset(data, &random))
        }
        data = Data(data)  // rebase indices at 0
    }
}
