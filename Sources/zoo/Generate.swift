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

    @OptionGroup var sampling: SamplingOptions

    @OptionGroup var loading: LoadingOptions

    @Flag(help: "Print JSON at the end: {\"prompt_ids\": [...], \"generated_ids\": [...], \"text\": \"...\"}.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must not be negative") }
    }

    func run() throws {
        try reportingErrors {
            let generator = try zooOptions.zoo.model(named: name).load(loading.loadOptions).textGenerator()
            StartupPages.release()
            let result = try generator.generate(prompt: prompt, options: sampling.generationOptions(maxNewTokens: maxNewTokens)) { piece in
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
