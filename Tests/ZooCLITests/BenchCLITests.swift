import Foundation
import Testing

/// `zoo bench`: the figures Tools/bench reads, as JSON, one per repeat; and clear errors for work it cannot do.
@Suite struct BenchCLITests {
    let cli = CLITests()

    func converted(_ fixture: String, as name: String) throws {
        let source = CLITests.fixtures.appendingPathComponent(fixture).path
        let run = try cli.zoo("convert", source, "--name", name)
        #expect(run.status == 0, "\(run.stderr)")
    }

    func figures(_ run: CLITests.Run) throws -> [String: [Double]] {
        #expect(run.status == 0, "\(run.stderr)")
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [Double]] ?? [:]
    }

    @Test func decoderFigures() throws {
        try converted("tiny-gpt2", as: "tiny")
        let result = try figures(try cli.zoo("bench", "tiny", "--prompt-tokens", "5", "--new-tokens", "4",
                                             "--repeats", "2"))
        #expect(result.keys.sorted() == ["decode_tok_per_s", "load_ms", "prompt_ms"])
        for (key, values) in result { #expect(values.count == 2 && values.allSatisfy { $0 > 0 }, "\(key)") }
        cli.expectOneLineError(try cli.zoo("bench", "tiny", "--prompt-tokens", "60", "--new-tokens", "10"),
                               containing: "exceed the context of 64")
    }

    @Test func encoderAndTokenizerFigures() throws {
        try converted("tiny-bert", as: "bert")
        let forward = try figures(try cli.zoo("bench", "bert", "--batch", "2", "--length", "7", "--repeats", "1"))
        #expect(forward["forward_ms"]?.count == 1)
        cli.expectOneLineError(try cli.zoo("bench", "bert", "--length", "100000"), containing: "--length 100000")

        let text = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).txt")
        try "Hello world.\nA second line, with more words.\n".write(to: text, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: text) }
        let speed = try figures(try cli.zoo("bench", "bert", "--tokenize", text.path, "--repeats", "2"))
        #expect(speed["encode_mb_per_s"]?.count == 2)
        cli.expectOneLineError(try cli.zoo("bench", "bert", "--tokenize", "/no/such/text.txt"),
                               containing: "no/such/text.txt")
    }

    @Test func badRepeatsAreAUsageError() throws {
        #expect(try cli.zoo("bench", "tiny", "--repeats", "0").status == 64)
    }
}
