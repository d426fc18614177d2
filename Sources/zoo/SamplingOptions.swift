import ArgumentParser
import Zoo

/// How `generate` and `chat` choose tokens: greedy unless a temperature above 0 is given.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Sampling temperature; 0 (the default) is greedy.")
    var temperature: Float = 0

    @Option(help: "Sample among the k most likely tokens only.")
    var topK: Int?

    @Option(help: "Sample among the most likely tokens whose probabilities sum to p only.")
    var topP: Float?

    @Option(help: "Seed of the sampler: the same seed gives the same text.")
    var seed: UInt64?

    func validate() throws {
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be 0 or more") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1") }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    func generationOptions(maxNewTokens: Int) -> GenerationOptions {
        GenerationOptions(maxNewTokens: maxNewTokens, temperature: temperature, topK: topK, topP: topP, seed: seed)
    }
}
