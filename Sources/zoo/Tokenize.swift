import ArgumentParser
import Foundation
import Zoo
import ZooTokenizers

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the token ids and tokens of a text.",
        usage: "zoo tokenize <name> <text>\nzoo tokenize --tokenizer <file> <text>")

    @Argument(help: "The model's name, then the text (with --tokenizer: the text only).")
    var arguments: [String]

    @Option(help: "A tokenizer.json, or a vocab.json with merges.txt beside it, instead of a model.")
    var tokenizer: String?

    @Flag(help: "Print JSON: {\"ids\": [...], \"tokens\": [...]}.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        let wanted = tokenizer == nil ? 2 : 1
        guard arguments.count == wanted else {
            throw ValidationError(tokenizer == nil ? "give a model name and a text" : "give the text only when --tokenizer is used")
        }
    }

    func run() throws {
        try reportingErrors {
            let loaded: ZooTokenizers.Tokenizer
            if let tokenizer {
                loaded = try Tokenizer.load(file: URL(fileURLWithPath: tokenizer))
            } else {
                loaded = try zooOptions.zoo.model(named: arguments[0]).tokenizer()
            }
            let encoding = loaded.encodeWithTokens(arguments[arguments.count - 1])
            if json {
                struct Output: Encodable { let ids: [Int]; let tokens: [String] }
                try Terminal.json(Output(ids: encoding.ids, tokens: encoding.tokens))
                return
            }
            for (id, token) in zip(encoding.ids, encoding.tokens) {
                Terminal.write("\(id)\t\(quoted(token))\n")
            }
        }
    }

    /// The token as a JSON string, so that spaces and control characters are visible.
    func quoted(_ token: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? String(decoding: encoder.encode(token), as: UTF8.self)) ?? token
    }
}
