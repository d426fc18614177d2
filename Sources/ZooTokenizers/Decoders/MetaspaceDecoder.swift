/// SentencePiece's decoder (`"type": "Metaspace"`): the replacement character ("▁") becomes a space. In the first
/// token, unless the pre-tokenizer never prepends one, every replacement character is dropped, as Hugging Face
/// does: not only the leading one.
struct MetaspaceDecoder: TokenByTokenDecoder {
    let replacement: [UInt8]
    let prependScheme: PrependScheme

    func decode(_ token: [UInt8], position: Int) -> [UInt8] {
        let space: [UInt8] = position == 0 && prependScheme != .never ? [] : [UInt8(ascii: " ")]
        return token.withUnsafeBufferPointer { replacingOccurrences(of: replacement, with: space, in: $0) }
    }
}
