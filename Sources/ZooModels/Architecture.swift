import ZooTensor

/// An architecture plugin: the `model_type` names it serves, how it reads its configuration, which tensors it
/// needs, how a Hugging Face checkpoint's tensors map onto them, and how it builds a runnable model.
///
/// A plugin is one file under Architectures/ plus its line in `Architectures.all`; nothing else in Zoo knows
/// about a particular architecture.
public protocol Architecture: Sendable {
    /// The Hugging Face `model_type` values this plugin serves.
    static var modelTypes: [String] { get }

    /// Reads and checks the configuration.
    init(config: ModelConfig) throws(ModelError)

    /// Every tensor the model needs, by canonical name, with its shape.
    var tensorShapes: [String: [Int]] { get }

    /// What the converter does with the tensor `name` of a Hugging Face checkpoint.
    func importRule(forHuggingFaceName name: String) -> ImportRule

    /// The inverse of `importRule`: the Hugging Face name a canonical tensor is exported under (as the model class
    /// the config describes names it) and the change of layout that undoes the import's; nil for a name this
    /// configuration does not have.
    func exportName(forCanonicalName name: String) -> ExportName?

    /// Builds the model from weights whose names and shapes have already been checked against `tensorShapes`.
    func makeModel(weights: any WeightStore) throws -> any LanguageModel
}

/// What becomes of one Hugging Face tensor on import.
public enum ImportRule: Equatable, Sendable {
    /// Stored under a canonical name, after an optional change of layout.
    case tensor(String, ImportTransform)
    /// Not stored, for the reason given (a buffer, or a weight tied to another).
    case skip(String)
    /// Not a tensor of this architecture: the conversion fails naming it.
    case unknown
}

/// Where one canonical tensor goes on export to a Hugging Face checkpoint.
public struct ExportName: Equatable, Sendable {
    public let huggingFaceName: String
    /// The change of layout back (a transpose undoes itself).
    public let transform: ImportTransform

    public init(_ huggingFaceName: String, _ transform: ImportTransform = .none) {
        self.huggingFaceName = huggingFaceName
        self.transform = transform
    }
}

public enum ImportTransform: Sendable {
    case none
    /// A 2-D weight stored as [in, out] (GPT-2's Conv1D) becomes [out, in] like every Linear weight in Zoo.
    case transpose
}

/// Where a model's weights come from when it is built: a zoo weights file, or tensors held in memory.
public protocol WeightStore {
    func tensor(_ name: String) throws -> Tensor
}

extension WeightStore {
    /// A weight matrix that `linear` multiplies by many rows at once (an encoder's): widened to float32, which
    /// BLAS's matrix product takes, unless it is marked for bfloat16 activations, whose products read it as stored.
    func productMatrix(_ name: String) throws -> Tensor {
        let matrix = try tensor(name)
        return matrix.activations == .bfloat16 ? matrix : matrix.float32()
    }
}

/// A model loaded and ready to run. Capabilities (generation, fill-mask, ...) are protocols refining this one.
public protocol LanguageModel: AnyObject {
    var vocabularySize: Int { get }
}

/// A decoder that predicts the next token from the previous ones.
public protocol CausalLanguageModel: LanguageModel {
    /// The most positions the model can attend over.
    var contextLength: Int { get }

    /// An empty cache for up to `capacity` positions.
    func makeCache(capacity: Int) -> KVCache

    /// Runs `tokens` at the positions after those already in `cache`, appends them to it, and returns the logits
    /// of every new position ([n, vocabulary]) or, when `allPositions` is false, of the last one ([1, vocabulary]).
    func forward(_ tokens: [Int], cache: KVCache, allPositions: Bool) -> Tensor

    /// `forward` without the logits: the greedy token after `tokens`, the index of the largest logit of the last
    /// position (the lowest on ties). A model may find it without computing every logit.
    func greedyToken(after tokens: [Int], cache: KVCache) -> Int

    /// `forward` for a sampler that keeps the `k` most likely tokens (top-k): the logits of the last position, all
    /// of them or only those of the tokens that can be among the k largest. A model may find those without computing
    /// every logit.
    func nextLogits(after tokens: [Int], cache: KVCache, largest k: Int) -> NextLogits
}

extension CausalLanguageModel {
    public func greedyToken(after tokens: [Int], cache: KVCache) -> Int {
        argmax(forward(tokens, cache: cache, allPositions: false).data, count: vocabularySize)
    }

    public func nextLogits(after tokens: [Int], cache: KVCache, largest k: Int) -> NextLogits {
        .all(forward(tokens, cache: cache, allPositions: false))
    }
}

/// The logits of the next position, for a sampler that keeps the k largest.
public enum NextLogits {
    /// Every logit, [1, vocabulary].
    case all(Tensor)
    /// The ids and logits of every token whose logit is at least the k-th largest, and perhaps a few below it.
    case largest([(id: Int, logit: Float)])
}

/// An encoder: each position of a sequence sees all the others, and the result is one vector per position.
public protocol EncoderModel: LanguageModel {
    /// The most tokens a sequence can have, special tokens included.
    var maxSequenceLength: Int { get }
    /// The token that pads the shorter sequences of a batch (the config's `pad_token_id`).
    var paddingTokenID: Int { get }
    /// The width of the hidden states.
    var hiddenSize: Int { get }

    /// The last hidden states, [batch, length, hiddenSize]. Padding positions hold values that mean nothing.
    func hiddenStates(_ input: EncoderInput) -> Tensor
}

/// An encoder with a masked-language-model head, which scores every token of the vocabulary at each position.
public protocol MaskedLanguageModel: EncoderModel {
    /// The vocabulary logits, [n, vocabularySize], of hidden states [n, hiddenSize].
    func tokenLogits(hiddenStates: Tensor) -> Tensor
}

extension MaskedLanguageModel {
    /// The vocabulary logits of every position, [batch, length, vocabularySize].
    public func logits(_ input: EncoderInput) -> Tensor {
        let hidden = hiddenStates(input)
        return tokenLogits(hiddenStates: hidden.reshaped([input.batch * input.length, hiddenSize]))
            .reshaped([input.batch, input.length, vocabularySize])
    }
}
