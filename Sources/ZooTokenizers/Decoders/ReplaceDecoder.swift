/// Replaces every match of a pattern in each token (`"type": "Replace"`), as Llama's decoder turns "▁" into " ".
struct ReplaceDecoder: TokenByTokenDecoder {
    let pattern: ReplacePattern
    let content: [UInt8]

    func decode(_ token: [UInt8], position: Int) -> [UInt8] {
        token.withUnsafeBufferPointer { pattern.replace(in: $0, with: content) }
    }
}
