import Foundation
import Testing

/// `zoo convert` of a GGUF file and `zoo chat`, run as a user runs them.
@Suite struct ChatCLITests {
    let zooFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-chat-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Runs zoo with `arguments` and `input` on its standard input.
    func zoo(_ arguments: [String], input: String = "") throws -> CLITests.Run {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments + ["--zoo", zooFolder.path]
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLITests.Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The chat case of tiny-llama.expected.json: a system message, a user message, and transformers' reply.
    func expectedChat() throws -> (system: String, user: String, reply: String) {
        let url = CLITests.fixtures.appendingPathComponent("tiny-llama.expected.json")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let chat = (expected["cases"] as! [[String: Any]]).first { $0["messages"] != nil }!
        let messages = chat["messages"] as! [[String: String]]
        return (messages[0]["content"]!, messages[1]["content"]!, chat["greedy_text"] as! String)
    }

    @Test func chatAnswersOneMessageWithTheTemplate() throws {
        let source = CLITests.fixtures.appendingPathComponent("tiny-llama.f32.gguf").path
        let convert = try zoo(["convert", source, "--name", "tiny"])
        #expect(convert.status == 0, "\(convert.stderr)")
        let (system, user, reply) = try expectedChat()
        let chat = try zoo(["chat", "tiny", user, "--system", system, "--max-new-tokens", "24"])
        #expect(chat.status == 0, "\(chat.stderr)")
        #expect(chat.stdout == reply + "\n")
    }

    @Test func chatWithoutAMessageReadsLinesAndKeepsTheConversation() throws {
        let source = CLITests.fixtures.appendingPathComponent("tiny-llama").path
        #expect(try zoo(["convert", source, "--name", "tiny"]).status == 0)
        let (system, user, reply) = try expectedChat()
        let chat = try zoo(["chat", "tiny", "--system", system, "--max-new-tokens", "24"], input: "\(user)\n\nAnd then?\n")
        #expect(chat.status == 0, "\(chat.stderr)")
        // The first reply is the one-message reply; the empty line is skipped; the second reply follows from the
        // whole conversation, so it is not the reply to "And then?" alone.
        #expect(chat.stdout.hasPrefix(reply + "\n") && chat.stdout.hasSuffix("\n"))
        let second = chat.stdout.dropFirst(reply.count + 1).dropLast()
        let alone = try zoo(["chat", "tiny", "And then?", "--system", system, "--max-new-tokens", "24"]).stdout.dropLast()
        #expect(!second.isEmpty && second != alone, "\(chat.stdout)")
    }

    @Test func aModelWithoutAChatTemplateIsAnError() throws {
        let source = CLITests.fixtures.appendingPathComponent("tiny-gpt2").path
        #expect(try zoo(["convert", source, "--name", "gpt"]).status == 0)
        let chat = try zoo(["chat", "gpt", "Hello"])
        #expect(chat.status == 1)
        #expect(chat.stderr.hasPrefix("zoo: error: ") && chat.stderr.contains("has no chat template"), "\(chat.stderr)")
    }
}
