import ZooTensor

/// An encoder-decoder: the encoder reads the whole input once; the decoder writes the output one token at a time,
/// attending to its own past (through a KV cache) and to the encoder's output (through cross-attention).
public protocol SequenceToSequenceModel: LanguageModel {
    /// The most input tokens the encoder takes, when the config limits them.
    var maxInputLength: Int? { get }
    /// The most tokens the decoder can attend over (its start token included), when the config limits them.
    var maxOutputLength: Int? { get }

    /// Runs the encoder over one input sequence, and computes what every decoding step reuses from it.
    func encode(_ ids: [Int]) -> EncodedInput

    /// A decoder state with an empty self-attention cache for up to `capacity` tokens.
    func makeDecoderState(for input: EncodedInput, capacity: Int) -> DecoderState

    /// Runs `tokens` at the positions after those already in `state`, appends them to its cache, and returns the
    /// logits of every new position ([n, vocabulary]) or, when `allPositions` is false, of the last one.
    func decode(_ tokens: [Int], state: DecoderState, allPositions: Bool) -> Tensor

    /// Runs `tokens[i]` after the tokens already in `beams[i]` (decoder states over the same input that have all run
    /// the same number of tokens), appends it to that state's cache, and returns the logits of every beam
    /// ([beams.count, vocabulary]): one pass that reads the weights once for all the beams of a beam search.
    func decode(_ tokens: [Int], beams: [DecoderState]) -> Tensor

    /// `decode` without the logits: the greedy token after `tokens`, the index of the largest logit of the last
    /// position (the lowest on ties). A model may find it without computing every logit.
    func greedyToken(after tokens: [Int], state: DecoderState) -> Int
}

extension SequenceToSequenceModel {
    public func greedyToken(after tokens: [Int], state: DecoderState) -> Int {
        argmax(decode(tokens, state: state, allPositions: false).data, count: vocabularySize)
    }
}

/// The encoder's output for one input: its last hidden states, and each decoder layer's cross-attention keys and
/// values, computed once from them.
public final class EncodedInput: @unchecked Sendable {
    /// [input length, width]
    public let hiddenStates: Tensor
    /// Per decoder layer, [input length, heads × headDim].
    public let crossKeys: [Tensor]
    public let crossValues: [Tensor]

    public init(hiddenStates: Tensor, crossKeys: [Tensor], crossValues: [Tensor]) {
        self.hiddenStates = hiddenStates
        self.crossKeys = crossKeys
        self.crossValues = crossValues
    }

    public var length: Int { hiddenStates.shape[0] }
}

/// Where one decoding stands: the input it attends to and the self-attention cache of the tokens written so far.
/// Beam search copies a state when two hypotheses continue from one.
public final class DecoderState {
    public let input: EncodedInput
    public let cache: KVCache

    public init(input: EncodedInput, cache: KVCache) {
        self.input = input
        self.cache = cache
    }

    /// How many tokens the decoder has run.
    public var length: Int { cache.length }

    /// An independent copy: the same input, a copy of the cache's filled rows; in `reusing`'s cache (a state of the
    /// same input and shape that is no longer needed) when given, else in a new one.
    public func copy(reusing spare: DecoderState? = nil) -> DecoderState {
        precondition(spare.map { $0.input === input && $0.cache.capacity == cache.capacity } ?? true,
                     "decoder: the spare state is of another input or capacity")
        let copy = spare?.cache ?? KVCache(layers: cache.keys.count, capacity: cache.capacity, width: cache.width)
        let filled = cache.length * cache.width
        for layer in 0..<cache.keys.count {
            copy.keys[layer].mutableData.update(from: cache.keys[layer].data, count: filled)
            copy.values[layer].mutableData.update(from: cache.values[layer].data, count: filled)
        }
        copy.length = cache.length
        return spare ?? DecoderState(input: input, cache: copy)
    }
}
