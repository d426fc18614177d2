import ZooModels
import ZooTensor
import ZooTokenizers

/// Why generation stopped.
public enum StopReason: String, Sendable {
    case endOfSequence = "end_of_sequence"
    case maxNewTokens = "max_new_tokens"
    case contextFull = "context_full"
}

public struct GenerationResult: Sendable {
    public let promptIDs: [Int]
    /// The generated tokens, without the prompt.
    public let generatedIDs: [Int]
    public let text: String
    public let stopReason: StopReason
}

/// Text generation with a causal language model: encode, run the prompt once, then one token at a time through the
/// KV cache, streaming the text as it becomes complete.
public final class TextGenerator {
    public let model: any CausalLanguageModel
    public let tokenizer: Tokenizer
    public let name: String
    /// Tokens that end generation (the model's end-of-sequence ids).
    public let stopTokens: Set<Int>
    /// The token a generation with an empty prompt starts from, if the model has one.
    public let startToken: Int?

    public init(model: any CausalLanguageModel, tokenizer: Tokenizer, name: String, stopTokens: Set<Int>,
                startToken: Int?) {
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.stopTokens = stopTokens
        self.startToken = startToken
    }

    /// Generates a continuation of `prompt`, passing each piece of text to `onText` as soon as it is complete
    /// UTF-8.
    public func generate(prompt: String, options: GenerationOptions = GenerationOptions(),
                         onText: (String) -> Void = { _ in }) throws(ZooError) -> GenerationResult {
        try generate(promptIDs: tokenizer.encode(prompt), options: options, onText: onText)
    }

    /// Generates a continuation of the tokens `promptIDs` (for a prompt encoded otherwise, such as a chat whose
    /// template already placed the special tokens).
    public func generate(promptIDs prompt: [Int], options: GenerationOptions = GenerationOptions(),
                         onText: (String) -> Void = { _ in }) throws(ZooError) -> GenerationResult {
        var promptIDs = prompt
        if promptIDs.isEmpty {
            guard let startToken else { throw ZooError("the prompt is empty and \(name) has no start token") }
            promptIDs = [startToken]
        }
        guard promptIDs.count <= model.contextLength else {
            throw ZooError("the prompt has \(promptIDs.count) tokens but \(name) takes at most \(model.contextLength)")
        }
        guard options.maxNewTokens >= 0 else { throw ZooError("--max-new-tokens must not be negative") }
        let capacity = min(model.contextLength, promptIDs.count + options.maxNewTokens)
        let cache = model.makeCache(capacity: capacity)
        var sampler = Sampler(options: options)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var generated: [Int] = []
        var text = ""
        var stopReason = StopReason.maxNewTokens

        var input = promptIDs
        while generated.count < options.maxNewTokens {
            if cache.length + input.count > capacity {
                stopReason = .contextFull
                break
            }
            let next = options.temperature <= 0 ? model.greedyToken(after: input, cache: cache)
                : sampler.next(model.nextLogits(after: input, cache: cache, largest: options.topK ?? 0),
                               count: model.vocabularySize)
            if stopTokens.contains(next) {
                stopReason = .endOfSequence
                break
            }
            generated.append(next)
            let piece = decoder.feed(next)
            if !piece.isEmpty {
                text += piece
                onText(piece)
            }
            input = [next]
        }
        let rest = decoder.finish()
        if !rest.isEmpty {
            text += rest
            onText(rest)
        }
        return GenerationResult(promptIDs: promptIDs, generatedIDs: generated, text: text, stopReason: stopReason)
    }
}
