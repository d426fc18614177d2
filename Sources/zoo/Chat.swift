import ArgumentParser
import Foundation
import Zoo

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk with a chat model: its chat template turns the conversation into its prompt.",
        discussion: """
            With a message, prints the model's reply to it. Without one, reads messages from standard input, one \
            per line, and answers each in turn, keeping the conversation, until the end of the input.
            """)

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The message to answer (default: read messages from standard input).")
    var message: String?

    @Option(help: "A system message that starts the conversation (default: the template's own, if any).")
    var system: String?

    @Option(help: "The most tokens in one reply.")
    var maxNewTokens = 256

    @OptionGroup var sampling: SamplingOptions

    @OptionGroup var loading: LoadingOptions

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must not be negative") }
    }

    func run() throws {
        try reportingErrors {
            let session = try ChatSession(model: zooOptions.zoo.model(named: name), system: system, options: loading.loadOptions)
            StartupPages.release()
            let options = sampling.generationOptions(maxNewTokens: maxNewTokens)
            if let message {
                try answer(message, in: session, options: options)
                return
            }
            let interactive = isatty(STDIN_FILENO) != 0
            if interactive { Terminal.note("chatting with \(name): one message per line, Ctrl-D to end") }
            while true {
                if interactive { FileHandle.standardError.write(Data("> ".utf8)) }
                guard let line = readLine() else { break }
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                try answer(line, in: session, options: options)
            }
        }
    }

    private func answer(_ message: String, in session: ChatSession, options: GenerationOptions) throws {
        let result = try session.reply(to: message, options: options) { Terminal.write($0) }
        Terminal.write("\n")
        if result.stopReason == .contextFull { Terminal.note("stopped: the model's context window is full") }
    }
}
