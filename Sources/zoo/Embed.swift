import ArgumentParser
import Foundation
import Zoo

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn texts into vectors with an encoder, one vector per text.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The texts.")
    var texts: [String]

    @Option(help: "How token vectors become one: mean (their average) or cls (the first token's).")
    var pooling = "mean"

    @Flag(help: "Scale each vector to unit length.")
    var normalize = false

    @Flag(help: "Cut texts longer than the model takes, instead of refusing them.")
    var truncate = false

    @Flag(help: "Print JSON: {\"embeddings\": [[...], ...]}, one vector per text.")
    var json = false

    @OptionGroup var loading: BFloat16ActivationOption

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard !texts.isEmpty else { throw ValidationError("give at least one text") }
        _ = try parsePooling(pooling)
    }

    func run() throws {
        try reportingErrors {
            let embed = try zooOptions.zoo.model(named: name).load(loading.loadOptions).embedder()
            let vectors = try embed(texts, pooling: try parsePooling(pooling), normalize: normalize, truncate: truncate)
            if json {
                struct Output: Encodable { let embeddings: [[Float]] }
                try Terminal.json(Output(embeddings: vectors))
                return
            }
            for vector in vectors { Terminal.write(vector.map { "\($0)" }.joined(separator: " ") + "\n") }
        }
    }
}

/// The `--pooling` value, or a usage error listing the choices.
func parsePooling(_ value: String) throws -> Pooling {
    guard let pooling = Pooling(rawValue: value) else {
        throw ValidationError("--pooling must be \(Pooling.allCases.map(\.rawValue).joined(separator: " or ")), not \"\(value)\"")
    }
    return pooling
}
