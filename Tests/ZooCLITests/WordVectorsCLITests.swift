import Foundation
import Testing

/// `zoo analogy`, `zoo neighbors`, `zoo similarity` and `zoo eval-analogies` on the bundled GloVe model, against
/// gensim's figures (Tests/ZooTests/Fixtures/word-vectors/glove-6b-50d-50k.gensim.json), and their errors.
extension CLITests {
    static let bundledModels = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models").path

    /// `zoo` with the bundled models on the search path too.
    func zooWithBundled(_ arguments: String...) throws -> Run {
        try zoo(arguments + ["--zoo", Self.bundledModels])
    }

    func gensimReference() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent(
            "word-vectors/glove-6b-50d-50k.gensim.json"))) as! [String: Any]
    }

    @Test func analogyPrintsGensimsAnswers() throws {
        let reference = (try gensimReference()["analogies"] as! [[String: Any]])[0]
        #expect(reference["positive"] as? [String] == ["king", "woman"] && reference["negative"] as? [String] == ["man"])
        let wanted = reference["answers"] as! [[String: Any]]
        let output = try json(try zooWithBundled("analogy", "glove-6b-50d-50k", "king - man + woman", "--json"))
        let answers = output["answers"] as! [[String: Any]]
        #expect(answers.map { $0["word"] as! String } == wanted.map { $0["word"] as! String })
        for (found, want) in zip(answers, wanted) {
            #expect(abs((found["score"] as! Double) - (want["score"] as! Double)) <= 1e-4)
        }
        let text = try zooWithBundled("analogy", "glove-6b-50d-50k", "king - man + woman", "--top-k", "3")
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("queen\t"))
    }

    @Test func neighborsAndSimilarityForWords() throws {
        let reference = try gensimReference()
        let wanted = (reference["neighbors"] as! [String: [[String: Any]]])["frog"]!
        let output = try json(try zooWithBundled("neighbors", "glove-6b-50d-50k", "frog", "--json"))
        #expect((output["neighbors"] as! [[String: Any]]).map { $0["word"] as! String } == wanted.map { $0["word"] as! String })

        let pair = (reference["similarity"] as! [[String: Any]])[0]
        let similarity = try json(try zooWithBundled("similarity", "glove-6b-50d-50k", pair["a"] as! String, pair["b"] as! String, "--json"))
        #expect(abs((similarity["similarity"] as! Double) - (pair["score"] as! Double)) <= 1e-4)
    }

    @Test func evalAnalogiesGivesGensimsCounts() throws {
        let wanted = try gensimReference()["evaluation_slice"] as! [[String: Any]]
        let file = Self.fixtures.appendingPathComponent("word-vectors/questions-words-slice.txt").path
        let output = try json(try zooWithBundled("eval-analogies", "glove-6b-50d-50k", file, "--json"))
        let sections = (output["sections"] as! [[String: Any]]) + [output["total"] as! [String: Any]]
        #expect(sections.map { $0["section"] as! String } == wanted.map { $0["section"] as! String })
        #expect(sections.map { $0["correct"] as! Int } == wanted.map { $0["correct"] as! Int })
        #expect(sections.map { $0["incorrect"] as! Int } == wanted.map { $0["incorrect"] as! Int })
        let table = try zooWithBundled("eval-analogies", "glove-6b-50d-50k", file)
        #expect(table.status == 0 && table.stdout.split(separator: "\n").count == wanted.count)
        #expect(table.stderr.contains("questions") && table.stderr.contains("skipped"))
    }

    @Test func convertWordVectorsAndRefuseBadOnes() throws {
        let glove = Self.fixtures.appendingPathComponent("word-vectors/tiny.glove.txt").path
        let convert = try zoo("convert", glove, "--name", "tiny-words", "--dtype", "f16")
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(try zoo("neighbors", "tiny-words", "king", "--top-k", "2").stdout.split(separator: "\n").count == 2)

        let bad = zooFolder.deletingLastPathComponent().appendingPathComponent("bad-vectors-\(UUID().uuidString).txt")
        try "a 1 2\nb 1 2 3\n".write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        expectOneLineError(try zoo("convert", bad.path, "--name", "bad"),
                           containing: "\(bad.path): line 2 has 3 values, but line 1 gives 2 dimensions")
        #expect(try zoo("list").stdout.contains("bad") == false)
    }

    @Test func wordVectorCommandsRefuseBadInputInOneLine() throws {
        expectOneLineError(try zooWithBundled("neighbors", "glove-6b-50d-50k", "qwzxv"), containing: "has no word \"qwzxv\"")
        expectOneLineError(try zooWithBundled("analogy", "glove-6b-50d-50k", "king - man +"), containing: "ends with an operator")
        expectOneLineError(try zooWithBundled("similarity", "glove-6b-50d-50k", "king", "Queen"), containing: "has no word \"Queen\"")
        expectOneLineError(try zooWithBundled("eval-analogies", "glove-6b-50d-50k", "/no/such/questions.txt"),
                           containing: "/no/such/questions.txt: cannot be read")
        #expect(try zooWithBundled("analogy", "glove-6b-50d-50k", "king", "--top-k", "0").status == 64)
        #expect(try zooWithBundled("eval-analogies", "glove-6b-50d-50k", "x.txt", "--restrict", "0").status == 64)

        let source = Self.fixtures.appendingPathComponent("tiny-gpt2").path
        #expect(try zoo("convert", source, "--name", "gpt").status == 0)
        expectOneLineError(try zoo("analogy", "gpt", "king - man + woman"),
                           containing: "does not hold word vectors: it serves only zoo generate")
        expectOneLineError(try zoo("similarity", "gpt", "a", "b"), containing: "does not embed texts")
    }
}
