import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `zoo attention` on the tiny GPT-2 and RoBERTa: the SVG of one head, the HTML page of all, and every bad
/// request refused in one line with nothing written.
extension CLITests {
    func convertForAttention() throws {
        for (fixture, name) in [("tiny-gpt2", "gpt"), ("tiny-roberta", "rob")] {
            let convert = try zoo("convert", Self.fixtures.appendingPathComponent(fixture).path, "--name", name)
            #expect(convert.status == 0, "\(convert.stderr)")
        }
    }

    /// Counts the elements of a well-formed XML document whose class is `cellClass`; nil if it does not parse.
    final class CellCounter: NSObject, XMLParserDelegate {
        var cells = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            if name == "rect" && attributes["class"] == "cell" { cells += 1 }
        }

        static func count(in url: URL) throws -> Int? {
            let counter = CellCounter()
            let parser = XMLParser(data: try Data(contentsOf: url))
            parser.delegate = counter
            return parser.parse() ? counter.cells : nil
        }
    }

    @Test func attentionWritesAnSVGOfOneHeadAndAPageOfAll() throws {
        try convertForAttention()
        let svg = zooFolder.appendingPathComponent("gpt.svg")
        let run = try zoo("attention", "gpt", "The quick brown fox", "--layer", "1", "--head", "3", "--out", svg.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("wrote \(svg.path)"))
        let tokens = try zoo("tokenize", "gpt", "The quick brown fox", "--json")
        let count = try #require((try JSONSerialization.jsonObject(with: Data(tokens.stdout.utf8)) as? [String: [Any]])?["ids"]?.count)
        #expect(try CellCounter.count(in: svg) == count * count)
        let text = try String(contentsOf: svg, encoding: .utf8)
        #expect(text.contains("gpt · self-attention · layer 1, head 3") && text.contains(">␣b<") && text.contains(">␣<"))

        let html = zooFolder.appendingPathComponent("rob.html")
        let page = try zoo("attention", "rob", "The capital of France is Paris.", "--out", html.path)
        #expect(page.status == 0, "\(page.stderr)")
        let document = try String(contentsOf: html, encoding: .utf8)
        #expect(document.hasPrefix("<!DOCTYPE html>") && document.contains("id=\"attention-data\""))
        #expect(document.contains("rob · self-attention · layer 0, head 0"))
    }

    @Test func attentionOfAnEncoderDecoderShowsItsCrossAttention() throws {
        let convert = try zoo("convert", Self.fixtures.appendingPathComponent("tiny-bart").path, "--name", "bart")
        #expect(convert.status == 0, "\(convert.stderr)")
        let text = "translate English to German: The house is wonderful.", target = "Das Haus ist wunderbar."
        func count(_ text: String) throws -> Int {
            let run = try zoo("tokenize", "bart", text, "--json")
            return try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [Any]])?["ids"]?.count)
        }
        let svg = zooFolder.appendingPathComponent("cross.svg")
        let run = try zoo("attention", "bart", text, "--target", target, "--cross", "--layer", "1", "--head", "2",
                          "--out", svg.path)
        #expect(run.status == 0, "\(run.stderr)")
        // Rows: the decoder's start token and the target's tokens; columns: the text's tokens.
        #expect(try CellCounter.count(in: svg) == (1 + count(target)) * count(text))
        #expect(try String(contentsOf: svg, encoding: .utf8).contains("bart · cross-attention · layer 1, head 2"))

        // Without a target the decoder reads what the model writes; the page opens on the cross-attention.
        let html = zooFolder.appendingPathComponent("bart.html")
        let page = try zoo("attention", "bart", text, "--cross", "--out", html.path)
        #expect(page.status == 0, "\(page.stderr)")
        let document = try String(contentsOf: html, encoding: .utf8)
        #expect(document.contains("<option value=\"2\" selected>cross-attention</option>"))
        #expect(document.contains("Decoder input: <q>"))
        expectOneLineError(try zoo("attention", "bart", text, "--target", String(repeating: "Haus ", count: 70),
                                   "--out", html.path), containing: "bart's decoder takes at most 64")
    }

    @Test func attentionRefusesBadRequestsAndWritesNothing() throws {
        try convertForAttention()
        let out = zooFolder.appendingPathComponent("out.svg")
        func refused(_ run: Run, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectOneLineError(run, containing: message)
            #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written", sourceLocation: sourceLocation)
        }
        refused(try zoo("attention", "gpt", "", "--out", out.path), "the text is empty")
        refused(try zoo("attention", "gpt", "Hello", "--layer", "2", "--head", "0", "--out", out.path),
                    "layer 2 is out of range: the self-attention of gpt has layers 0 to 1")
        refused(try zoo("attention", "gpt", "Hello", "--layer", "0", "--head", "4", "--out", out.path),
                    "head 4 is out of range: the self-attention of gpt has heads 0 to 3 in each layer")
        refused(try zoo("attention", "gpt", "Hello", "--layer", "0", "--out", out.path), "give both --layer and --head")
        refused(try zoo("attention", "gpt", "Hello", "--cross", "--out", out.path),
                    "gpt is a gpt2 model, which has no cross-attention: --cross is for encoder-decoder models")
        refused(try zoo("attention", "rob", "Hello", "--cross", "--layer", "0", "--head", "0", "--out", out.path),
                    "rob is a roberta model, which has no cross-attention")
        refused(try zoo("attention", "gpt", "Hello", "--target", "Hallo", "--out", out.path), "--target is for encoder-decoder models")
        refused(try zoo("attention", "gpt", String(repeating: "a b ", count: 40), "--out", out.path), "takes at most 64")

        // Outputs that cannot be written: a missing folder, a folder, a path under a file.
        let missing = zooFolder.appendingPathComponent("no/such/folder/out.svg").path
        refused(try zoo("attention", "gpt", "Hello", "--layer", "0", "--head", "0", "--out", missing), "\(missing): cannot write the output: there is no folder")
        refused(try zoo("attention", "gpt", "Hello", "--out", zooFolder.path), "\(zooFolder.path): cannot write the output: it is a folder")
        let file = zooFolder.appendingPathComponent("file.txt")
        try Data("keep".utf8).write(to: file)
        refused(try zoo("attention", "gpt", "Hello", "--out", file.appendingPathComponent("out.html").path), "cannot write the output: \(file.path) is not a folder")
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep")

        // A refused request leaves an existing output as it was.
        try Data("old".utf8).write(to: out)
        let run = try zoo("attention", "gpt", "Hello", "--layer", "9", "--head", "0", "--out", out.path)
        #expect(run.status == 1)
        #expect(try String(contentsOf: out, encoding: .utf8) == "old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary files left: \(leftovers)")
    }
}
