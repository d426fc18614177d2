import ArgumentParser
import Foundation
import Zoo

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a prompt with a text-generation model, streaming the text.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The prompt.")
    var prompt: String

    @Option(help: "The most tokens to generate.")
    var maxNewTokens = 50

    @Option(help: "Sampling temperature; 0 (the default) is greedy.")
    var temperature: Float = 0

    @Option(help: "Sample among the k most likely tokens only.")
    var topK: Int?

    @Option(help: "Sample among the most likely tokens whose probabilities sum to p only.")
    var topP: Float?

    @Option(help: "Seed of the sampler: the same seed gives the same text.")
    var seed: UInt64?

    @Flag(help: "Print JSON at the end: {\"prompt_ids\": [...], \"generated_ids\": [...], \"text\": \"...\"}.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must not be negative") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be 0 or more") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1") }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    func run() throws {
        try reportingErrors {
            let generator = try zooOptions.zoo.model(named: name).load().textGenerator()
            let options = GenerationOptions(maxNewTokens: maxNewTokens, temperature: temperature, topK: topK,
                                            topP: topP, seed: seed)
            let result = try generator.generate(prompt: prompt, options: options) { piece in
                if !json { Terminal.write(piece) }
            }
            if json {
                struct Output: Encodable { let prompt_ids: [Int]; let generated_ids: [Int]; let text: String }
                try Terminal.json(Output(prompt_ids: result.promptIDs, generated_ids: result.generatedIDs, text: result.text))
            } else {
                Terminal.write("\n")
                if result.stopReason == .contextFull {
                    Terminal.note("stopped: the model's context window is full")
                }
            }
        }
    }
}
