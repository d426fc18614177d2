import ArgumentParser
import Foundation
import Zoo

/// Times a model of the zoo in this process and prints the figures as JSON, one run per repeat, so that a benchmark
/// script can compare them with other runtimes (Tools/bench does).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model: load, prompt and decode for a decoder or an encoder-decoder, a forward pass for an "
            + "encoder, or a tokenizer.",
        discussion: """
            Decoder: load to first token (ms, the weights' pages already cached; the token as decode takes it), \
            prompt processing (ms for the prompt and the first token's logits) and greedy decode (tok/s = (time for \
            n+1 tokens − time for 1) / n; each step the model's greedy step, or with --full-logits every logit and \
            their argmax). \
            Encoder-decoder: the same, with the encoder's pass over the input and the first output token's logits \
            as encode_ms, and decode running on past end tokens. Encoder: the forward pass of a batch of random \
            token ids (ms): to the logits at every position where the model has a masked-LM head, else to the \
            hidden states. --tokenize FILE: encode the file line by line (MB/s). Every figure is listed per \
            repeat. Prompt and forward times follow one untimed run, as the peers' figures in Tools/bench do: a \
            first run also faults in the mapped weights' pages, which the load measure counts.
            """)

    @Argument(help: "The model's name in the zoo.")
    var name: String

    @Option(help: "Prompt tokens (decoder), or input tokens (encoder-decoder).")
    var promptTokens = 8

    @Option(help: "Tokens to decode after the first (decoder, encoder-decoder; 0 skips the decode measure).")
    var newTokens = 128

    @Option(help: "Sequences per batch (encoder).")
    var batch = 1

    @Option(help: "Tokens per sequence (encoder).")
    var length = 16

    @Option(help: "Encode this text file line by line with the model's tokenizer instead of running the model.")
    var tokenize: String?

    @Flag(help: "Decode through every logit, as sampling does, instead of the greedy step (decoder, encoder-decoder), which a model with a float32 output head takes without computing every logit.")
    var fullLogits = false

    @Flag(help: "Skip the load-to-first-token measure (decoder, encoder-decoder).")
    var skipLoad = false

    @Option(help: "Times to repeat each measure.")
    var repeats = 3

    @OptionGroup var loading: LoadingOptions

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard promptTokens >= 1 && newTokens >= 0 else {
            throw ValidationError("--prompt-tokens must be at least 1 and --new-tokens not negative")
        }
        guard batch >= 1 && length >= 1 else { throw ValidationError("--batch and --length must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let stored = try zooOptions.zoo.model(named: name)
            if let tokenize {
                try Terminal.json(["encode_mb_per_s": try tokenizerSpeeds(stored, file: tokenize)])
                return
            }
            let loaded = try stored.load(loading.loadOptions)
            switch loaded.model {
            case let model as any CausalLanguageModel:
                try Terminal.json(try decoderFigures(stored, model))
            case let model as any SequenceToSequenceModel:
                try Terminal.json(try sequenceToSequenceFigures(stored, model, loaded.textToText().settings))
            case let model as any EncoderModel:
                try Terminal.json(["forward_ms": try encoderTimes(model)])
            default:
                throw ZooError("\(name) is a \(loaded.config.modelType) model: zoo bench times decoders, encoders, "
                    + "encoder-decoders and tokenizers (--tokenize)")
            }
        }
    }

    struct DecoderFigures: Encodable {
        var load_ms: [Double] = []
        var prompt_ms: [Double] = []
        var decode_tok_per_s: [Double] = []
    }

    /// Deterministic token ids below `vocabulary`, so every runtime sees the same prompt.
    func promptIDs(_ count: Int, vocabulary: Int) -> [Int] {
        (0..<count).map { (($0 + 1) * 7919) % min(vocabulary, 50_000) }
    }

    func decoderFigures(_ stored: StoredModel, _ model: any CausalLanguageModel) throws -> DecoderFigures {
        let prompt = promptIDs(promptTokens, vocabulary: model.vocabularySize)
        // The prompt's positions, then one per decoded token (the last token chosen is never run).
        guard prompt.count + newTokens <= model.contextLength else {
            throw ZooError("\(promptTokens) + \(newTokens) tokens exceed the context of \(model.contextLength)")
        }
        /// The token after `tokens` as generation takes it: a greedy step (the first one builds the output head's
        /// argmax screen), or with --full-logits the argmax of every logit.
        func step(_ model: any CausalLanguageModel, _ tokens: [Int], _ cache: KVCache) -> Int {
            guard fullLogits else { return model.greedyToken(after: tokens, cache: cache) }
            return argmax(model.forward(tokens, cache: cache, allPositions: false).data, count: model.vocabularySize)
        }
        var figures = DecoderFigures()
        figures.load_ms = try loadTimes(stored, as: (any CausalLanguageModel).self) { model in
            _ = step(model, prompt, model.makeCache(capacity: prompt.count))
        }
        // One untimed run of each path timed.
        _ = model.forward(prompt, cache: model.makeCache(capacity: prompt.count), allPositions: false)
        _ = step(model, prompt, model.makeCache(capacity: prompt.count))
        for _ in 0..<repeats {
            let cache = model.makeCache(capacity: prompt.count + newTokens)
            let start = now()
            let logits = model.forward(prompt, cache: cache, allPositions: false)
            figures.prompt_ms.append((now() - start) * 1000)
            if let rate = decodeRate(after: logits, { token in step(model, [token], cache) }) {
                figures.decode_tok_per_s.append(rate)
            }
        }
        return figures
    }

    struct SequenceToSequenceFigures: Encodable {
        var load_ms: [Double] = []
        var encode_ms: [Double] = []
        var decode_tok_per_s: [Double] = []
    }

    func sequenceToSequenceFigures(_ stored: StoredModel, _ model: any SequenceToSequenceModel,
                                   _ settings: SearchSettings) throws -> SequenceToSequenceFigures {
        let input = promptIDs(promptTokens, vocabulary: model.vocabularySize), start = settings.decoderStartTokenID
        if let limit = model.maxInputLength, input.count > limit {
            throw ZooError("--prompt-tokens \(promptTokens) exceeds the \(limit) input tokens \(name) takes")
        }
        // The start token, then one position per decoded token (the last token chosen is never run).
        if let limit = model.maxOutputLength, 1 + newTokens > limit {
            throw ZooError("1 + \(newTokens) decoder tokens exceed the \(limit) positions of \(name)'s decoder")
        }
        /// The encoder's pass and the first output token's logits, in a decoder state for `capacity` tokens.
        func firstStep(_ model: any SequenceToSequenceModel, capacity: Int) -> (DecoderState, Tensor) {
            let state = model.makeDecoderState(for: model.encode(input), capacity: capacity)
            return (state, model.decode([start], state: state, allPositions: false))
        }
        /// The token after `token` as generation takes it: a greedy step (the first one builds the output head's
        /// argmax screen), or with --full-logits the argmax of every logit.
        func step(_ model: any SequenceToSequenceModel, _ token: Int, _ state: DecoderState) -> Int {
            guard fullLogits else { return model.greedyToken(after: [token], state: state) }
            return argmax(model.decode([token], state: state, allPositions: false).data, count: model.vocabularySize)
        }
        var figures = SequenceToSequenceFigures()
        figures.load_ms = try loadTimes(stored, as: (any SequenceToSequenceModel).self) { model in
            _ = step(model, start, model.makeDecoderState(for: model.encode(input), capacity: 1))
        }
        // One untimed run of each path timed.
        _ = firstStep(model, capacity: 1)
        _ = step(model, start, model.makeDecoderState(for: model.encode(input), capacity: 1))
        for _ in 0..<repeats {
            let clock = now()
            let (state, logits) = firstStep(model, capacity: 1 + newTokens)
            figures.encode_ms.append((now() - clock) * 1000)
            if let rate = decodeRate(after: logits, { token in step(model, token, state) }) {
                figures.decode_tok_per_s.append(rate)
            }
        }
        return figures
    }

    /// Load to first token, `repeats` times (none with --skip-load): a fresh load of the model as `Model`, then
    /// `firstToken` on it. The model is released after the clock stops: unmapping the weights is not part of the
    /// load.
    func loadTimes<Model>(_ stored: StoredModel, as type: Model.Type, firstToken: (Model) -> Void) throws -> [Double] {
        try (0..<(skipLoad ? 0 : repeats)).map { _ in
            let start = now()
            let model = try stored.load(loading.loadOptions).model as! Model
            return withExtendedLifetime(model) {
                firstToken(model)
                return (now() - start) * 1000
            }
        }
    }

    /// Greedy decode of --new-tokens tokens after the token `logits` ([1, vocabulary]) choose, `step` running one
    /// token and returning the greedy token after it: tokens per second, or nil when --new-tokens is 0.
    func decodeRate(after logits: Tensor, _ step: (Int) -> Int) -> Double? {
        guard newTokens > 0 else { return nil }
        var next = argmax(logits.data, count: logits.shape[1])
        let start = now()
        for _ in 0..<newTokens { next = step(next) }
        return Double(newTokens) / (now() - start)
    }

    func encoderTimes(_ model: any EncoderModel) throws -> [Double] {
        guard length <= model.maxSequenceLength else {
            throw ZooError("--length \(length) exceeds the \(model.maxSequenceLength) tokens \(name) takes")
        }
        let ids = (0..<batch).map { b in promptIDs(length, vocabulary: model.vocabularySize).map { ($0 + b) % model.vocabularySize } }
        let input = EncoderInput(sequences: ids, padding: model.paddingTokenID)
        let forward = { () -> Tensor in
            (model as? any MaskedLanguageModel)?.logits(input) ?? model.hiddenStates(input)
        }
        _ = forward()
        return (0..<repeats).map { _ in
            let start = now()
            _ = forward()
            return (now() - start) * 1000
        }
    }

    func tokenizerSpeeds(_ stored: StoredModel, file: String) throws -> [Double] {
        let tokenizer = try stored.tokenizer()
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ZooError(path: file, "cannot be read as UTF-8 text")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let megabytes = Double(text.utf8.count) / 1_000_000
        return (0..<repeats).map { _ in
            let start = now()
            var tokens = 0
            for line in lines { tokens &+= tokenizer.encode(line, addSpecialTokens: false).count }
            precondition(tokens > 0 || text.isEmpty)
            return megabytes / (now() - start)
        }
    }

    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
