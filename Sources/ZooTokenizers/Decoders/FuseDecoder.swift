/// Joins all tokens into one (`"type": "Fuse"`), so that the decoders after it see the whole text.
struct FuseDecoder: TokenDecoder {
    var decodesTokensAlone: Bool { false }

    func decode(_ tokens: inout [[UInt8]], from position: Int) {
        tokens = [tokens.flatMap { $0 }]
    }
}
