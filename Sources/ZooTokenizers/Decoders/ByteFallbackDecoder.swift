/// Turns the byte tokens of byte fallback ("<0x61>") back into text (`"type": "ByteFallback"`). Each run of them
/// becomes one piece: its bytes when they are valid UTF-8, else one U+FFFD for each byte token, as Hugging Face
/// does (which is not how a UTF-8 decoder with repair counts).
struct ByteFallbackDecoder: TokenDecoder {
    var decodesTokensAlone: Bool { false }

    func decode(_ tokens: inout [[UInt8]], from position: Int) {
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(tokens.count)
        var run: [UInt8] = []
        func endRun() {
            guard !run.isEmpty else { return }
            if (try? UTF8Span(validating: run.span)) != nil {
                pieces.append(run)
            } else {
                pieces += repeatElement([0xEF, 0xBF, 0xBD], count: run.count)
            }
            run.removeAll()
        }
        for token in tokens {
            if let byte = Self.byte(spelledBy: token) {
                run.append(byte)
            } else {
                endRun()
                pieces.append(token)
            }
        }
        endRun()
        tokens = pieces
    }

    /// The byte of a token "<0xAB>": six bytes, two of them read as Rust's `u8::from_str_radix(_, 16)` reads them,
    /// which takes a leading "+" and either case.
    static func byte(spelledBy token: [UInt8]) -> UInt8? {
        guard token.count == 6, token.starts(with: "<0x".utf8), token[5] == UInt8(ascii: ">") else { return nil }
        func digit(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        if token[3] == UInt8(ascii: "+") { return digit(token[4]) }
        guard let high = digit(token[3]), let low = digit(token[4]) else { return nil }
        return high << 4 | low
    }
}
