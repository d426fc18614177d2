import ZooTensor

/// One decoder layer's attention: its causal self-attention and its cross-attention to the encoder.
struct DecoderAttention {
    let selfAttention: AttentionProjections
    let crossAttention: AttentionProjections
}

extension EncodedInput {
    /// The encoder's output with every decoder layer's cross-attention keys and values computed from it.
    convenience init(hiddenStates: Tensor, decoderLayers: [DecoderAttention]) {
        let pairs = decoderLayers.map { $0.crossAttention.keysAndValues(of: hiddenStates) }
        self.init(hiddenStates: hiddenStates, crossKeys: pairs.map(\.keys), crossValues: pairs.map(\.values))
    }
}

/// The self-attention caches one decoding pass appends to: one sequence's, which takes any number of new rows, or one
/// per beam of a beam search, each taking one row (the beams have all run the same number of tokens).
enum DecoderCaches {
    case sequence(KVCache)
    case beams([KVCache])

    /// The caches of `states`, beams over one input that have all run the same number of tokens, one token each.
    static func beams(of states: [DecoderState], tokens: Int) -> DecoderCaches {
        precondition(!states.isEmpty && tokens == states.count, "decoder: one token per beam")
        precondition(states.allSatisfy { $0.input === states[0].input && $0.length == states[0].length },
                     "decoder: beams over different inputs or of different lengths")
        return .beams(states.map(\.cache))
    }

    /// The cache that keeps the pass's buffers, and whose length is every cache's.
    var first: KVCache {
        switch self {
        case .sequence(let cache): cache
        case .beams(let caches): caches[0]
        }
    }

    /// The positions a pass of `rows` new rows adds to each cache: all of them to a sequence's, one to each beam's.
    func positionsAdded(rows: Int) -> Int {
        switch self {
        case .sequence: rows
        case .beams: 1
        }
    }

    /// Records that a pass of `rows` new rows is in the caches.
    func advance(rows: Int) {
        switch self {
        case .sequence(let cache): cache.length += rows
        case .beams(let caches): for cache in caches { cache.length += 1 }
        }
    }
}

extension DecoderState {
    /// An empty state for `layers` decoder layers whose self-attention keys and values are `width` wide.
    convenience init(input: EncodedInput, layers: Int, capacity: Int, width: Int) {
        self.init(input: input, cache: KVCache(layers: layers, capacity: capacity, width: width))
    }
}

extension HuggingFaceNames {
    /// The canonical name of a projection or norm inside a layer, `block` + the module's canonical name from
    /// `modules` + ".weight" or ".bias", for `rest` such as "self_attn.q_proj.bias".
    static func module(_ rest: String, in block: String, modules: [String: String]) -> ImportRule {
        for suffix in [".weight", ".bias"] where rest.hasSuffix(suffix) {
            guard let canonical = modules[String(rest.dropLast(suffix.count))] else { return .unknown }
            return .tensor(block + canonical + suffix, .none)
        }
        return .unknown
    }

    /// The inverse of `module(_:in:modules:)` for a name inside one stack: canonical
    /// `blocks.<i>.<module>.<parameter>` becomes `<prefix><i>.<Hugging Face module>.<parameter>`.
    static func blockExportName(_ canonical: String, count: Int, modules: [String: String], under prefix: String)
        -> ExportName? {
        guard let (layer, rest) = block(canonical, container: "blocks", count: count),
              let (part, parameter) = parameter(rest),
              let module = module(named: part, in: modules) else { return nil }
        return ExportName("\(prefix)\(layer).\(module).\(parameter)")
    }
}
