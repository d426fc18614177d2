import ZooTensor

/// An encoder-decoder whose passes record their attention when given recorders: from these, the maps of
/// `CrossAttentionInspectable` (BART, T5).
protocol AttentionRecordingEncoderDecoder: SequenceToSequenceModel, CrossAttentionInspectable {
    var encoderLayerCount: Int { get }
    var decoderLayerCount: Int { get }
    var encoderHeads: Int { get }
    var decoderHeads: Int { get }
    func encode(_ ids: [Int], recorder: AttentionRecorder?) -> EncodedInput
    /// A decoding pass over `input` that appends `tokens` to `caches`. With recorders (and an empty sequence cache),
    /// also records the decoder's self- and cross-attention of every layer.
    func decode(_ tokens: [Int], caches: DecoderCaches, input: EncodedInput, allPositions: Bool,
                recorders: (decoder: AttentionRecorder, cross: AttentionRecorder)?) -> Tensor
}

extension AttentionRecordingEncoderDecoder {
    public func encode(_ ids: [Int]) -> EncodedInput { encode(ids, recorder: nil) }

    func decode(_ tokens: [Int], state: DecoderState, allPositions: Bool,
                recorders: (decoder: AttentionRecorder, cross: AttentionRecorder)?) -> Tensor {
        decode(tokens, caches: .sequence(state.cache), input: state.input, allPositions: allPositions,
               recorders: recorders)
    }

    public func decode(_ tokens: [Int], state: DecoderState, allPositions: Bool) -> Tensor {
        decode(tokens, state: state, allPositions: allPositions, recorders: nil)
    }

    public func decode(_ tokens: [Int], beams: [DecoderState]) -> Tensor {
        decode(tokens, caches: .beams(of: beams, tokens: tokens.count), input: beams[0].input, allPositions: true,
               recorders: nil)
    }

    /// The encoder's self-attention over `tokens`.
    public func selfAttention(_ tokens: [Int]) -> AttentionMaps {
        let recorder = AttentionRecorder(layers: encoderLayerCount, heads: encoderHeads, queries: tokens.count,
                                         keys: tokens.count)
        _ = encode(tokens, recorder: recorder)
        return recorder.maps[0]
    }

    public func attention(source: [Int], target: [Int]) -> EncoderDecoderAttention {
        precondition(!source.isEmpty && !target.isEmpty, "attention: empty source or target")
        let encoder = AttentionRecorder(layers: encoderLayerCount, heads: encoderHeads, queries: source.count,
                                        keys: source.count)
        let input = encode(source, recorder: encoder)
        let decoder = AttentionRecorder(layers: decoderLayerCount, heads: decoderHeads, queries: target.count,
                                        keys: target.count)
        let cross = AttentionRecorder(layers: decoderLayerCount, heads: decoderHeads, queries: target.count,
                                      keys: source.count)
        _ = decode(target, state: makeDecoderState(for: input, capacity: target.count), allPositions: false,
                   recorders: (decoder, cross))
        return EncoderDecoderAttention(encoder: encoder.maps[0], decoder: decoder.maps[0], cross: cross.maps[0])
    }
}
