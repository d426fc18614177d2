/// Removes up to `start` leading and `stop` trailing occurrences of a character from each token
/// (`"type": "Strip"`); Llama's decoder strips the space its Metaspace normalizer put before the text. Where Hugging
/// Face would fail (a token of nothing but the character, shorter than `stop`, or cuts that cross), the token
/// becomes empty.
struct StripDecoder: TokenByTokenDecoder {
    let content: Unicode.Scalar
    let start: Int
    let stop: Int

    func decode(_ token: [UInt8], position: Int) -> [UInt8] {
        var scalars: [(start: Int, value: UInt32)] = []
        token.withUnsafeBufferPointer { token in
            var offset = 0
            forEachScalar(in: token) { value, character in
                scalars.append((offset, value))
                offset += character.count
            }
        }
        var startCut = 0
        while startCut < min(start, scalars.count) && scalars[startCut].value == content.value { startCut += 1 }
        var stopCut = scalars.count
        for index in stride(from: scalars.count - 1, through: scalars.count - stop, by: -1) {
            guard index >= 0 else { return [] }
            guard scalars[index].value == content.value else { break }
            stopCut = index
        }
        guard startCut <= stopCut else { return [] }
        let from = startCut < scalars.count ? scalars[startCut].start : token.count
        let to = stopCut < scalars.count ? scalars[stopCut].start : token.count
        return Array(token[from..<to])
    }
}
