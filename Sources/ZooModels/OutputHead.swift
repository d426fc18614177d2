import Synchronization
import ZooTensor

/// A decoder's output projection to the vocabulary, with the `ArgmaxScreen` its greedy and top-k sampling steps use:
/// built at the first such step (never for a model only asked for logits), for float32 heads only. For a 16-bit head the
/// screen's Q8_0 copy would still be half the head's size, where a float32 head's is about a quarter, and it would
/// take as much more memory.
final class OutputHead: Sendable {
    let weight: Tensor
    let bias: Tensor?
    /// nil until the first step that asks for it; then the screen, or nil for a head without one.
    private let screen = Mutex<ArgmaxScreen??>(nil)

    init(weight: Tensor, bias: Tensor? = nil) {
        self.weight = weight
        self.bias = bias
    }

    var argmaxScreen: ArgmaxScreen? {
        screen.withLock { screen in
            if let built = screen { return built }
            let built = ArgmaxScreen(weight: weight, bias: bias)
            screen = .some(built)
            return built
        }
    }
}

/// The buffers of a decoder-only forward pass, which ends in the output head's input, `h`.
protocol HeadInputBuffers: ForwardBuffers {
    var h: Tensor { get }
    var logits: ReturnedTensor { get set }
}

/// A decoder-only model whose layers end in the input of an `OutputHead`: its logits and its greedy steps run the
/// same layers (`run`) and differ only in what they take from the head.
protocol OutputHeadDecoder: AttentionRecordingDecoder {
    associatedtype Buffers: HeadInputBuffers
    var outputHead: OutputHead { get }
    /// The layers and the final norm over `tokens`, after those in `cache`; with a recorder (and an empty cache),
    /// also records each layer's attention maps.
    func run(_ tokens: [Int], cache: KVCache, recorder: AttentionRecorder?) -> Buffers
}

extension OutputHeadDecoder {
    func forward(_ tokens: [Int], cache: KVCache, allPositions: Bool) -> Tensor {
        forward(tokens, cache: cache, allPositions: allPositions, recorder: nil)
    }

    func forward(_ tokens: [Int], cache: KVCache, allPositions: Bool, recorder: AttentionRecorder?) -> Tensor {
        let b = run(tokens, cache: cache, recorder: recorder)
        return b.logits.logits(of: b.h, head: outputHead, allPositions: allPositions)
    }

    func greedyToken(after tokens: [Int], cache: KVCache) -> Int {
        let b = run(tokens, cache: cache, recorder: nil)
        return b.logits.greedyToken(of: b.h, head: outputHead)
    }

    func nextLogits(after tokens: [Int], cache: KVCache, largest k: Int) -> NextLogits {
        let b = run(tokens, cache: cache, recorder: nil)
        return b.logits.nextLogits(of: b.h, head: outputHead, largest: k)
    }
}

/// An encoder-decoder whose decoder layers end in the input of an `OutputHead`: its logits and its greedy steps run
/// the same layers (`runDecoder`) and differ only in what they take from the head.
protocol OutputHeadEncoderDecoder: AttentionRecordingEncoderDecoder {
    associatedtype Buffers: HeadInputBuffers
    var outputHead: OutputHead { get }
    /// The decoder's layers over `tokens`, appended to `caches`; with recorders (and an empty sequence cache), also
    /// records each layer's self- and cross-attention.
    func runDecoder(_ tokens: [Int], caches: DecoderCaches, input: EncodedInput,
                    recorders: (decoder: AttentionRecorder, cross: AttentionRecorder)?) -> Buffers
}

extension OutputHeadEncoderDecoder {
    func decode(_ tokens: [Int], caches: DecoderCaches, input: EncodedInput, allPositions: Bool,
                recorders: (decoder: AttentionRecorder, cross: AttentionRecorder)?) -> Tensor {
        let b = runDecoder(tokens, caches: caches, input: input, recorders: recorders)
        return b.logits.logits(of: b.h, head: outputHead, allPositions: allPositions)
    }

    public func greedyToken(after tokens: [Int], state: DecoderState) -> Int {
        let b = runDecoder(tokens, caches: .sequence(state.cache), input: state.input, recorders: nil)
        return b.logits.greedyToken(of: b.h, head: outputHead)
    }
}
