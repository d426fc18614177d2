import Foundation
import Testing

/// `zoo text2text` on the tiny BART, against what transformers recorded.
extension CLITests {
    /// Converts tiny-bart as "bart"; returns its first recorded case.
    func convertTinyBart() throws -> [String: Any] {
        let source = Self.fixtures.appendingPathComponent("tiny-bart").path
        let convert = try zoo("convert", source, "--name", "bart")
        #expect(convert.status == 0, "\(convert.stderr)")
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("tiny-bart.expected.json"))) as! [String: Any]
        return (expected["cases"] as! [[String: Any]])[0]
    }

    /// The recorded generation whose settings are exactly `settings`.
    func generation(_ testCase: [String: Any], settings: [String: Int]) -> [String: Any] {
        (testCase["generations"] as! [[String: Any]]).first { ($0["settings"] as! [String: Any]) as NSDictionary == settings as NSDictionary }!
    }

    @Test func text2textGreedyAndBeamSearchAsJSON() throws {
        let testCase = try convertTinyBart()
        let text = testCase["text"] as! String
        for beams in [1, 4] {
            let run = try zoo("text2text", "bart", text, "--max-new-tokens", "20", "--num-beams", "\(beams)", "--json")
            #expect(run.status == 0, "\(run.stderr)")
            let output = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
            let wanted = generation(testCase, settings: ["num_beams": beams])
            #expect(output["input_ids"] as? [Int] == testCase["input_ids"] as? [Int])
            #expect(output["output_ids"] as? [Int] == wanted["output_ids"] as? [Int], "\(beams) beams")
            #expect(output["text"] as? String == wanted["text"] as? String)
        }
    }

    @Test func text2textStreamsTheText() throws {
        let testCase = try convertTinyBart()
        let run = try zoo("text2text", "bart", testCase["text"] as! String, "--max-new-tokens", "20")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == (generation(testCase, settings: ["num_beams": 1])["text"] as! String) + "\n")
    }

    @Test func text2textRefusesBadRequests() throws {
        _ = try convertTinyBart()
        let zeroBeams = try zoo("text2text", "bart", "cats", "--num-beams", "0")
        #expect(zeroBeams.status == 64 && zeroBeams.stderr.contains("--num-beams must be at least 1"), "\(zeroBeams.stderr)")
        let gpt2 = Self.fixtures.appendingPathComponent("tiny-gpt2").path
        #expect(try zoo("convert", gpt2, "--name", "gpt").status == 0)
        expectOneLineError(try zoo("text2text", "gpt", "cats"), containing: "gpt is a gpt2 model, which does not turn text into text")
        expectOneLineError(try zoo("text2text", "bart", String(repeating: "cats and dogs ", count: 40)),
                           containing: "takes at most 64")
    }
}
