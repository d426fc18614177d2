/// Decodes generated ids one at a time, returning the text each one completes.
///
/// It never returns part of a character: the bytes of an incomplete UTF-8 sequence are held back until the
/// ids that complete it arrive (an emoji often spans several byte-level tokens). Bytes that can no longer form
/// a character become U+FFFD, so the texts returned by `feed` and then `finish` add up to `decode` of all ids.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    private var pending: [UInt8] = []
    private var position = 0

    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds the next id; returns the text now complete, often empty while a character is unfinished.
    public mutating func feed(_ id: Int) -> String {
        if let token = tokenizer.decodedToken(for: id, skipSpecialTokens: skipSpecialTokens) {
            tokenizer.decoder.appendBytes(of: token, position: position, to: &pending)
            position += 1
        }
        return take(isFinal: false)
    }

    /// Ends the stream: returns what is held back, an unfinished character as U+FFFD. The decoder can then
    /// start a new stream.
    public mutating func finish() -> String {
        position = 0
        return take(isFinal: true)
    }

    private mutating func take(isFinal: Bool) -> String {
        let (text, consumed) = pending.withUnsafeBufferPointer { UTF8Repair.decode($0, isFinal: isFinal) }
        pending.removeFirst(consumed)
        return text
    }
}
