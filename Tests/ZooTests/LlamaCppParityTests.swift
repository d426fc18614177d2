import Foundation
import Testing
import ZooModels
@testable import Zoo

/// The int8-activation path against llama.cpp itself (llama-cpp-python, Tools/make_llama_cpp_fixtures.py): the tiny
/// Q8_0 and Q4_1 GGUF files run one token at a time over a prompt and llama.cpp's greedy continuation, and every
/// position's logits are compared.
@Suite struct LlamaCppParityTests {
    struct Case: Decodable {
        let file: String
        let ids: [Int]
        let logits: [[Float]]
    }

    struct Fixture: Decodable {
        let cases: [Case]
    }

    /// The largest difference from llama.cpp's logits over every position, loading the model with `options`.
    func largestDifference(_ file: String, options: LoadOptions) throws -> Float {
        let data = try Data(contentsOf: fixture("tiny-llama.llama-cpp.expected.json"))
        let expected = try #require(try JSONDecoder().decode(Fixture.self, from: data).cases.first { $0.file == file })
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stored = try Converter(zoo: ModelZoo(folders: [folder])).convert(fixture(file), options: .init(name: "m"))
        let model = try #require(try stored.load(options).model as? any CausalLanguageModel)
        let cache = model.makeCache(capacity: expected.ids.count)
        var largest: Float = 0
        for (position, id) in expected.ids.enumerated() {
            let logits = model.forward([id], cache: cache, allPositions: false).toArray()
            for (ours, theirs) in zip(logits, expected.logits[position]) { largest = max(largest, abs(ours - theirs)) }
        }
        return largest
    }

    /// Tolerance 5e-5 on logits of magnitude up to about 6: the quants and integer dot products are llama.cpp's, so
    /// what remains is the fixture's 6 significant digits (up to 5e-6) and float32 summation order (measured: 6e-6
    /// for both files). Zoo's float32-activation path differs from llama.cpp by 0.2 to 0.3 here: the comparison
    /// tells the two arithmetics apart.
    @Test(arguments: ["tiny-llama.q8_0.gguf", "tiny-llama.q4_1.gguf"])
    func int8ActivationsGiveLlamaCppsLogits(file: String) throws {
        let int8 = try largestDifference(file, options: LoadOptions(int8Activations: true))
        let float = try largestDifference(file, options: LoadOptions())
        #expect(int8 <= 5e-5, "int8 activations: \(int8) from llama.cpp")
        #expect(float > 0.05, "float32 activations: \(float) from llama.cpp")
    }
}
