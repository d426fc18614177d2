import Foundation
import Testing
import Zoo

/// `zoo fill-mask`, `zoo embed` and `zoo similarity` on the tiny RoBERTa, against what transformers recorded.
extension CLITests {
    func convertTinyRoberta() throws -> [String: Any] {
        let source = Self.fixtures.appendingPathComponent("tiny-roberta").path
        let convert = try zoo("convert", source, "--name", "rob")
        #expect(convert.status == 0, "\(convert.stderr)")
        return try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("tiny-roberta.expected.json"))) as! [String: Any]
    }

    func json(_ run: Run) throws -> [String: Any] {
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func fillMaskPrintsTheTopCandidatesOfEachMask() throws {
        let expected = try convertTinyRoberta()
        for testCase in expected["cases"] as! [[String: Any]] {
            guard let reference = testCase["fill_mask"] as? [[[String: Any]]] else { continue }
            let output = try json(try zoo("fill-mask", "rob", testCase["text"] as! String, "--json"))
            let masks = output["masks"] as! [[[String: Any]]]
            #expect(masks.count == reference.count)
            for (candidates, wanted) in zip(masks, reference) {
                #expect(candidates.map { $0["token_id"] as! Int } == wanted.map { $0["token_id"] as! Int })
                #expect(candidates.map { $0["token"] as! String } == wanted.map { $0["token"] as! String })
                for (found, want) in zip(candidates, wanted) {
                    #expect(abs((found["score"] as! Double) - (want["score"] as! Double)) <= 1e-4)
                }
            }
        }
        let text = try zoo("fill-mask", "rob", "The capital of France is <mask>.", "--top-k", "3")
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.split(separator: "\t").count == 3 })
    }

    @Test func embedPrintsOneVectorPerText() throws {
        let expected = try convertTinyRoberta()
        let texts = (expected["cases"] as! [[String: Any]]).map { $0["text"] as! String }
        #expect(texts.count == 4)
        let output = try json(try zoo("embed", "rob", texts[0], texts[1], texts[2], texts[3], "--pooling", "mean",
                                      "--normalize", "--json"))
        let vectors = output["embeddings"] as! [[Double]]
        let reference = expected["embeddings_mean_normalized"] as! [[Double]]
        #expect(vectors.count == texts.count)
        for (vector, wanted) in zip(vectors, reference) {
            #expect(zip(vector, wanted).allSatisfy { abs($0 - $1) <= 1e-4 })
        }
        let cls = try json(try zoo("embed", "rob", texts[0], texts[1], texts[2], texts[3], "--pooling", "cls", "--json"))["embeddings"] as! [[Double]]
        let clsReference = expected["embeddings_cls"] as! [[Double]]
        #expect(zip(cls.flatMap { $0 }, clsReference.flatMap { $0 }).allSatisfy { abs($0 - $1) <= 1e-4 })

        let plain = try zoo("embed", "rob", "one text", "another text")
        #expect(plain.stdout.split(separator: "\n").map { $0.split(separator: " ").count } == [32, 32])
    }

    @Test func similarityIsTheCosineOfTheEmbeddings() throws {
        let expected = try convertTinyRoberta()
        let cases = expected["cases"] as! [[String: Any]]
        let run = try zoo("similarity", "rob", cases[2]["text"] as! String, cases[3]["text"] as! String)
        #expect(run.status == 0, "\(run.stderr)")
        let vectors = expected["embeddings_mean_normalized"] as! [[Double]]
        let cosine = zip(vectors[2], vectors[3]).reduce(0) { $0 + $1.0 * $1.1 }
        let printed = try #require(Double(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(printed - cosine) <= 1e-4)
        let same = try json(try zoo("similarity", "rob", "a text", "a text", "--json"))
        #expect(abs((same["similarity"] as! Double) - 1) < 1e-5)
    }

    @Test func encoderCommandsRefuseBadInputInOneLine() throws {
        _ = try convertTinyRoberta()
        expectOneLineError(try zoo("fill-mask", "rob", "No mask here."), containing: "no mask token: mark what rob is to fill with <mask>")
        expectOneLineError(try zoo("generate", "rob", "Hello"),
                           containing: "does not generate text: it serves only zoo fill-mask, zoo embed, zoo similarity")
        let long = String(repeating: "the keeper woke ", count: 30)
        expectOneLineError(try zoo("embed", "rob", long), containing: "takes at most 64 (--truncate cuts it to fit)")
        #expect(try zoo("embed", "rob", long, "--truncate").status == 0)
        expectOneLineError(try zoo("fill-mask", "nope", "<mask>"), containing: "no model named \"nope\"")

        let source = Self.fixtures.appendingPathComponent("tiny-gpt2").path
        #expect(try zoo("convert", source, "--name", "gpt").status == 0)
        expectOneLineError(try zoo("embed", "gpt", "Hello"), containing: "does not embed texts: it serves only zoo generate")
        #expect(try zoo("embed", "rob", "x", "--pooling", "max").status == 64)
        #expect(try zoo("fill-mask", "rob", "<mask>", "--top-k", "0").status == 64)
    }
}

/// `--bf16-activations` on the commands that run an encoder: a bfloat16 conversion runs with it (the products'
/// accuracy is `BFloat16ActivationTests`'); a model without bfloat16 weights is refused, naming its weights file; a
/// CPU without bfloat16 dot products gets a note.
extension CLITests {
    @Test func bfloat16ActivationsNeedABfloat16Model() throws {
        let source = Self.fixtures.appendingPathComponent("tiny-roberta").path
        #expect(try zoo("convert", source, "--name", "rob16", "--dtype", "bf16").status == 0)
        #expect(try zoo("convert", source, "--name", "rob32").status == 0)
        let masks = try json(try zoo("fill-mask", "rob16", "The capital of France is <mask>.", "--json",
                                     "--bf16-activations"))["masks"] as! [[[String: Any]]]
        #expect(masks.count == 1 && masks[0].count == 5)
        let vectors = try json(try zoo("embed", "rob16", "one text", "another", "--bf16-activations", "--json"))
        #expect((vectors["embeddings"] as! [[Double]]).map(\.count) == [32, 32])
        #expect(try zoo("similarity", "rob16", "one text", "another", "--bf16-activations").status == 0)

        let refused = try zoo("fill-mask", "rob32", "The capital of France is <mask>.", "--bf16-activations")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("weights.h5") && refused.stderr.contains("--dtype bf16"), "\(refused.stderr)")

        // Without the CPU's bfloat16 dot products (capped here by ZOO_SIMD) the command runs and says it gains nothing.
        let capped = try zoo(["fill-mask", "rob16", "The capital of France is <mask>.", "--json", "--bf16-activations"],
                             environment: ["ZOO_SIMD": "avx2"])
        #expect(try json(capped)["masks"] as? [[[String: Any]]] != nil)
        #expect(capped.stderr.contains("no bfloat16 dot products"), "\(capped.stderr)")
        let native = try zoo("fill-mask", "rob16", "The capital of France is <mask>.", "--bf16-activations")
        #expect(native.stderr.contains("no bfloat16 dot products") == !bfloat16DotProductsAvailable)
    }
}
