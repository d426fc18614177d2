/// Decodes generated ids one at a time, returning the text each one completes.
///
/// It never returns part of a character: the bytes of an incomplete UTF-8 sequence are held back until the
/// ids that complete it arrive (an emoji often spans several byte-level tokens). Bytes that can no longer form
/// a character become U+FFFD, so the texts returned by `feed` and then `finish` add up to `decode` of all ids.
///
/// A decoder that rewrites each token alone (byte-level, WordPiece, Metaspace) decodes each id as it comes. One
/// that looks across tokens (byte fallback, Fuse then Strip) is run, as Hugging Face's `DecodeStream` does, over
/// the ids since the one before the last text returned: the text past what those ids decoded to before is new,
/// unless it ends in U+FFFD, which the next ids may still turn into a character.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    private var pending: [UInt8] = []
    private var position = 0
    /// For a decoder that looks across tokens: the ids decoded together, and the text of those before the new ones.
    private var window: [Int] = []
    private var windowPrefix = ""
    private var windowPrefixCount = 0

    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds the next id; returns the text now complete, often empty while a character is unfinished.
    public mutating func feed(_ id: Int) -> String {
        guard tokenizer.decoder.decodesTokensAlone else { return feedWindow(id, isFinal: false) }
        if let token = tokenizer.decodedToken(for: id, skipSpecialTokens: skipSpecialTokens) {
            var tokens = [Array(token.utf8)]
            tokenizer.decoder.decode(&tokens, from: position)
            pending += tokens.flatMap { $0 }
            position += 1
        }
        return take(isFinal: false)
    }

    /// Ends the stream: returns what is held back, an unfinished character as U+FFFD. The decoder can then
    /// start a new stream.
    public mutating func finish() -> String {
        guard tokenizer.decoder.decodesTokensAlone else { return feedWindow(nil, isFinal: true) }
        position = 0
        return take(isFinal: true)
    }

    private mutating func take(isFinal: Bool) -> String {
        let (text, consumed) = pending.withUnsafeBufferPointer { UTF8Repair.decode($0, isFinal: isFinal) }
        pending.removeFirst(consumed)
        return text
    }

    private mutating func feedWindow(_ id: Int?, isFinal: Bool) -> String {
        if let id { window.append(id) }
        let text = tokenizer.decode(window, skipSpecialTokens: skipSpecialTokens)
        defer {
            if isFinal {
                window = []
                windowPrefix = ""
                windowPrefixCount = 0
            }
        }
        guard text.utf8.count > windowPrefix.utf8.count, isFinal || text.unicodeScalars.last != "\u{FFFD}" else {
            return ""
        }
        let common = zip(text.unicodeScalars, windowPrefix.unicodeScalars).prefix { $0 == $1 }.count
        let new = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(common)))
        // Keep the ids from the last one returned before, as context for the next.
        window.removeFirst(windowPrefixCount)
        windowPrefixCount = window.count
        windowPrefix = tokenizer.decode(window, skipSpecialTokens: skipSpecialTokens)
        return new
    }
}
