import Foundation
import Testing

/// `zoo bench`: the figures Tools/bench reads, as JSON, one per repeat, for every kind of model; and clear errors
/// for work it cannot do.
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
        let everyLogit = try figures(try cli.zoo("bench", "tiny", "--prompt-tokens", "5", "--new-tokens", "4",
                                                 "--repeats", "1", "--full-logits", "--skip-load"))
        #expect(everyLogit["decode_tok_per_s"]?.count == 1 && everyLogit["load_ms"] == [])
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

    @Test func encoderDecoderFigures() throws {
        for fixture in ["tiny-bart", "tiny-t5"] {
            try converted(fixture, as: fixture)
            let result = try figures(try cli.zoo("bench", fixture, "--prompt-tokens", "6", "--new-tokens", "5",
                                                 "--repeats", "2"))
            #expect(result.keys.sorted() == ["decode_tok_per_s", "encode_ms", "load_ms"], "\(fixture)")
            for (key, values) in result {
                #expect(values.count == 2 && values.allSatisfy { $0 > 0 }, "\(fixture) \(key)")
            }
        }
        let everyLogit = try figures(try cli.zoo("bench", "tiny-t5", "--prompt-tokens", "6", "--new-tokens", "5",
                                                 "--repeats", "1", "--full-logits"))
        #expect(everyLogit["decode_tok_per_s"]?.count == 1 && everyLogit["load_ms"]?.count == 1)
        let skipped = try figures(try cli.zoo("bench", "tiny-bart", "--new-tokens", "0", "--skip-load", "--repeats", "1"))
        #expect(skipped["load_ms"] == [] && skipped["decode_tok_per_s"] == [] && skipped["encode_ms"]?.count == 1)
        cli.expectOneLineError(try cli.zoo("bench", "tiny-bart", "--prompt-tokens", "65"),
                               containing: "--prompt-tokens 65 exceeds the 64 input tokens")
        cli.expectOneLineError(try cli.zoo("bench", "tiny-bart", "--new-tokens", "64"),
                               containing: "1 + 64 decoder tokens exceed the 64 positions")
    }

    /// An encoder without a masked-LM head (a sentence-embedding model) is timed to its hidden states.
    @Test func bareEncoderFigures() throws {
        try converted("tiny-bert-encoder", as: "encoder")
        let forward = try figures(try cli.zoo("bench", "encoder", "--batch", "3", "--length", "5", "--repeats", "2"))
        #expect(forward.keys.sorted() == ["forward_ms"] && forward["forward_ms"]?.count == 2)
    }

    @Test func wordVectorsHaveNothingToTime() throws {
        let glove = CLITests.fixtures.appendingPathComponent("word-vectors/tiny.glove.txt").path
        #expect(try cli.zoo("convert", glove, "--name", "words").status == 0)
        cli.expectOneLineError(try cli.zoo("bench", "words"),
                               containing: "words is a word-vectors model: zoo bench times decoders, encoders")
    }

    @Test func badRepeatsAreAUsageError() throws {
        #expect(try cli.zoo("bench", "tiny", "--repeats", "0").status == 64)
    }
}
