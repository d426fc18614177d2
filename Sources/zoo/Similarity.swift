import ArgumentParser
import Foundation
import Zoo

struct Similarity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The cosine similarity of two texts' embeddings, or of two words' vectors, from -1 to 1.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The first text (a word, for word vectors).")
    var first: String

    @Argument(help: "The second text (a word, for word vectors).")
    var second: String

    @Option(help: "How token vectors become one: mean (their average) or cls (the first token's).")
    var pooling = "mean"

    @Flag(help: "Cut texts longer than the model takes, instead of refusing them.")
    var truncate = false

    @Flag(help: "Print JSON: {\"similarity\": S}.")
    var json = false

    @OptionGroup var loading: BFloat16ActivationOption

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        _ = try parsePooling(pooling)
    }

    func run() throws {
        try reportingErrors {
            let model = try zooOptions.zoo.model(named: name).load(loading.loadOptions)
            let similarity = try model.similarity(first, second, pooling: try parsePooling(pooling), truncate: truncate)
            if json {
                struct Output: Encodable { let similarity: Float }
                try Terminal.json(Output(similarity: similarity))
            } else {
                Terminal.write(String(format: "%.6f", similarity) + "\n")
            }
        }
    }
}
