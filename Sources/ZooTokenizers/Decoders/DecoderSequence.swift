/// Decoders applied in turn (`"type": "Sequence"`), as Llama's Replace, ByteFallback, Fuse and Strip.
struct DecoderSequence: TokenDecoder {
    let decoders: [any TokenDecoder]

    var decodesTokensAlone: Bool { decoders.allSatisfy(\.decodesTokensAlone) }

    func decode(_ tokens: inout [[UInt8]], from position: Int) {
        for decoder in decoders { decoder.decode(&tokens, from: position) }
    }
}
