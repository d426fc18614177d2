import ArgumentParser
import Foundation
import Zoo

struct Text2Text: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text2text",
        abstract: "Turn a text into another with an encoder-decoder model (translation, summarisation, instructions).",
        discussion: "Settings not given come from the model's generation_config.json and config.json.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The input text.")
    var text: String

    @Option(help: "The most tokens to write (default: the model's generation settings, else 19).")
    var maxNewTokens: Int?

    @Option(help: "Beams of beam search; 1 is greedy search or sampling.")
    var numBeams: Int?

    @Option(help: "Beam search: finished hypotheses are scored by their log-probability over length^p.")
    var lengthPenalty: Float?

    @Option(help: "Beam search: stop when num-beams hypotheses have finished (true), when none can be expected to improve (false), or only when none can improve at any length (never).")
    var earlyStopping: String?

    @Option(help: "No n-gram of this many tokens is written twice.")
    var noRepeatNgramSize: Int?

    @OptionGroup var sampling: SamplingOptions

    @Flag(help: "Print JSON at the end: {\"input_ids\": [...], \"output_ids\": [...], \"text\": \"...\"}.")
    var json = false

    @OptionGroup var loading: BFloat16ActivationOption

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        if let maxNewTokens, maxNewTokens < 0 { throw ValidationError("--max-new-tokens must not be negative") }
        if let numBeams, numBeams < 1 { throw ValidationError("--num-beams must be at least 1") }
        if let noRepeatNgramSize, noRepeatNgramSize < 0 {
            throw ValidationError("--no-repeat-ngram-size must not be negative")
        }
        if let earlyStopping, !["true", "false", "never"].contains(earlyStopping) {
            throw ValidationError("--early-stopping must be true, false or never")
        }
        if (numBeams ?? 1) > 1 && sampling.temperature > 0 {
            throw ValidationError("--temperature samples with one beam: beam search is deterministic")
        }
    }

    func run() throws {
        try reportingErrors {
            let pipeline = try zooOptions.zoo.model(named: name).load(loading.loadOptions).textToText()
            StartupPages.release()
            let stopping: EarlyStopping? = switch earlyStopping {
            case "true": .whenFull
            case "false": .heuristic
            case "never": .never
            default: nil
            }
            let options = TextToTextOptions(
                maxNewTokens: maxNewTokens, numBeams: numBeams, lengthPenalty: lengthPenalty, earlyStopping: stopping,
                noRepeatNgramSize: noRepeatNgramSize, sampling: sampling.generationOptions(maxNewTokens: maxNewTokens ?? 0))
            let result = try pipeline(text, options: options) { piece in
                if !json { Terminal.write(piece) }
            }
            if json {
                struct Output: Encodable { let input_ids: [Int]; let output_ids: [Int]; let text: String }
                try Terminal.json(Output(input_ids: result.inputIDs, output_ids: result.outputIDs, text: result.text))
            } else {
                Terminal.write("\n")
            }
        }
    }
}
