import ArgumentParser
import Foundation
import Zoo

struct FillMask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill-mask",
        abstract: "Guess the masked tokens of a text with a masked language model.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The text, with the model's mask token ([MASK], <mask>, ...) at each token to guess.")
    var text: String

    @Option(help: "Candidates to show per mask.")
    var topK = 5

    @Flag(help: "Cut a text longer than the model takes, instead of refusing it.")
    var truncate = false

    @Flag(help: "Print JSON: {\"masks\": [[{\"token_id\": N, \"token\": \"...\", \"score\": P}, ...], ...]}, one list per mask.")
    var json = false

    @OptionGroup var loading: BFloat16ActivationOption

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let fill = try zooOptions.zoo.model(named: name).load(loading.loadOptions).fillMask()
            let masks = try fill(text, topK: topK, truncate: truncate)
            if json {
                struct Output: Encodable { let masks: [[FillMaskCandidate]] }
                try Terminal.json(Output(masks: masks))
                return
            }
            for (index, candidates) in masks.enumerated() {
                if masks.count > 1 { Terminal.write("mask \(index + 1):\n") }
                for candidate in candidates {
                    Terminal.write("\(String(format: "%.4f", candidate.score))\t\(candidate.tokenID)\t\(quoted(candidate.token))\n")
                }
            }
        }
    }

    /// The token as a JSON string, so that its spaces show.
    func quoted(_ token: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? String(decoding: encoder.encode(token), as: UTF8.self)) ?? token
    }
}
