import ArgumentParser
import Foundation
import Zoo

/// Times a model of the zoo in this process and prints the figures as JSON, one run per repeat, so that a benchmark
/// script can compare them with other runtimes (Tools/bench does).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model: load, prompt and decode for a decoder, a forward pass for an encoder, or a tokenizer.",
        discussion: """
            Decoder: load to first token (ms, the weights' pages already cached), prompt processing (ms for the \
            prompt and the first token's logits) and greedy decode (tok/s = (time for n+1 tokens − time for 1) / n). \
            Encoder: masked-LM forward of a batch of random token ids (ms). --tokenize FILE: encode the file line \
            by line (MB/s). Every figure is listed per repeat. Prompt and forward times follow one untimed run, as \
            the peers' figures in Tools/bench do: a first run also faults in the mapped weights' pages, which \
            the load measure counts.
            """)

    @Argument(help: "The model's name in the zoo.")
    var name: String

    @Option(help: "Prompt tokens (decoder).")
    var promptTokens = 8

    @Option(help: "Tokens to decode after the first (decoder; 0 skips the decode measure).")
    var newTokens = 128

    @Option(help: "Sequences per batch (encoder).")
    var batch = 1

    @Option(help: "Tokens per sequence (encoder).")
    var length = 16

    @Option(help: "Encode this text file line by line with the model's tokenizer instead of running the model.")
    var tokenize: String?

    @Flag(help: "Skip the load-to-first-token measure (decoder).")
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
            if let model = loaded.model as? any CausalLanguageModel {
                try Terminal.json(try decoderFigures(stored, model))
            } else if let model = loaded.model as? any MaskedLanguageModel {
                try Terminal.json(["forward_ms": try encoderTimes(model)])
            } else {
                throw ZooError("\(name) is neither a decoder nor a masked language model")
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
        var figures = DecoderFigures()
        for _ in 0..<(skipLoad ? 0 : repeats) {
            let start = now()
            let reloaded = try stored.load(loading.loadOptions).model as! any CausalLanguageModel
            let cache = reloaded.makeCache(capacity: prompt.count)
            // Released only after the clock stops: unmapping the weights is not part of the load.
            withExtendedLifetime(reloaded) {
                _ = reloaded.forward(prompt, cache: cache, allPositions: false)
                figures.load_ms.append((now() - start) * 1000)
            }
        }
        _ = model.forward(prompt, cache: model.makeCache(capacity: prompt.count), allPositions: false)
        for _ in 0..<repeats {
            let cache = model.makeCache(capacity: prompt.count + newTokens)
            let start = now()
            var logits = model.forward(prompt, cache: cache, allPositions: false)
            figures.prompt_ms.append((now() - start) * 1000)
            guard newTokens > 0 else { continue }
            // The first token after the prompt is part of prompt processing; decode is the n tokens after it.
            var next = greedy(logits, model.vocabularySize)
            let decodeStart = now()
            for _ in 0..<newTokens {
                logits = model.forward([next], cache: cache, allPositions: false)
                next = greedy(logits, model.vocabularySize)
            }
            figures.decode_tok_per_s.append(Double(newTokens) / (now() - decodeStart))
        }
        return figures
    }

    func greedy(_ logits: Tensor, _ count: Int) -> Int {
        let values = logits.data
        var best = 0
        for i in 1..<count where values[i] > values[best] { best = i }
        return best
    }

    func encoderTimes(_ model: any MaskedLanguageModel) throws -> [Double] {
        guard length <= model.maxSequenceLength else {
            throw ZooError("--length \(length) exceeds the \(model.maxSequenceLength) tokens \(name) takes")
        }
        let ids = (0..<batch).map { b in promptIDs(length, vocabulary: model.vocabularySize).map { ($0 + b) % model.vocabularySize } }
        let input = EncoderInput(sequences: ids, padding: model.paddingTokenID)
        _ = model.logits(input)
        return (0..<repeats).map { _ in
            let start = now()
            _ = model.logits(input)
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
