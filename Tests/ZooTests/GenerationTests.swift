import Foundation
import Testing
@testable import Zoo

@Suite struct GenerationTests {
    let folder: URL
    let generator: TextGenerator

    init() throws {
        folder = temporaryFolder()
        let stored = try Converter(zoo: ModelZoo(folders: [folder])).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
        generator = try stored.load().textGenerator()
    }

    @Test func theSameSeedGivesTheSameText() throws {
        let options = GenerationOptions(maxNewTokens: 20, temperature: 1.0, topK: 50, topP: 0.95, seed: 7)
        let first = try generator.generate(prompt: "Once upon a time", options: options)
        let second = try generator.generate(prompt: "Once upon a time", options: options)
        #expect(first.generatedIDs == second.generatedIDs)
        var other = options
        other.seed = 8
        let third = try generator.generate(prompt: "Once upon a time", options: other)
        #expect(third.generatedIDs != first.generatedIDs)
    }

    /// Sampling with top-k takes only the logits that can be among the k largest (through the float32 head's screen
    /// here): the same tokens as a sampler given every logit, seed for seed, with and without top-p.
    @Test(arguments: [(5, nil), (40, Float(0.9)), (1, nil)] as [(Int, Float?)])
    func topKSamplingFromTheLargestLogitsAloneGivesTheSameTokens(k: Int, topP: Float?) throws {
        let model = generator.model
        guard case .largest(let few) = model.nextLogits(after: [5, 17, 3], cache: model.makeCache(capacity: 4), largest: k)
        else { Issue.record("the float32 head's screen gave every logit"); return }
        #expect(few.count >= k && few.count < model.vocabularySize / 4)
        for seed in UInt64(1)...6 {
            let options = GenerationOptions(maxNewTokens: 12, temperature: 0.8, topK: k, topP: topP, seed: seed)
            let generated = try generator.generate(promptIDs: [5, 17, 3], options: options).generatedIDs
            var sampler = Sampler(options: options)
            let cache = model.makeCache(capacity: 16)
            var input = [5, 17, 3], expected: [Int] = []
            for _ in 0..<12 {
                let next = sampler.next(logits: model.forward(input, cache: cache, allPositions: false).data,
                                        count: model.vocabularySize)
                if generator.stopTokens.contains(next) { break }
                expected.append(next)
                input = [next]
            }
            #expect(generated == expected, "seed \(seed)")
        }
    }

    @Test func topKOfOneIsGreedy() throws {
        let greedy = try generator.generate(prompt: "Hello", options: GenerationOptions(maxNewTokens: 15))
        let sampled = try generator.generate(
            prompt: "Hello", options: GenerationOptions(maxNewTokens: 15, temperature: 2, topK: 1, seed: 3))
        #expect(sampled.generatedIDs == greedy.generatedIDs)
    }

    @Test func samplerFollowsTheDistribution() {
        // Logits ln(1), ln(3): the second token should come three times as often.
        var logits: [Float] = [0, Float(log(3.0))]
        var sampler = Sampler(options: GenerationOptions(temperature: 1, seed: 11))
        var counts = [0, 0]
        for _ in 0..<4000 { counts[sampler.next(logits: &logits, count: 2)] += 1 }
        #expect(abs(Double(counts[1]) / 4000 - 0.75) < 0.03)
    }

    @Test func topPKeepsTheSmallestSetReachingP() {
        // Probabilities 0.6, 0.3, 0.1: top-p 0.5 keeps only the first token, top-p 0.7 the first two.
        var logits: [Float] = [Float(log(0.6)), Float(log(0.3)), Float(log(0.1))]
        var narrow = Sampler(options: GenerationOptions(temperature: 1, topP: 0.5, seed: 1))
        var wide = Sampler(options: GenerationOptions(temperature: 1, topP: 0.7, seed: 1))
        var seenNarrow = Set<Int>(), seenWide = Set<Int>()
        for _ in 0..<500 {
            seenNarrow.insert(narrow.next(logits: &logits, count: 3))
            seenWide.insert(wide.next(logits: &logits, count: 3))
        }
        #expect(seenNarrow == [0])
        #expect(seenWide == [0, 1])
    }

    @Test func aPromptLongerThanTheContextIsAnError() throws {
        let prompt = String(repeating: "fox jumps ", count: 100)
        #expect {
            try generator.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 1))
        } throws: { error in
            "\(error)".contains("takes at most 64")
        }
    }

    @Test func generationStopsWhenTheContextIsFull() throws {
        let result = try generator.generate(prompt: "Once upon a time", options: GenerationOptions(maxNewTokens: 500))
        #expect(result.stopReason == .contextFull || result.stopReason == .endOfSequence)
        #expect(result.promptIDs.count + result.generatedIDs.count <= 65)
    }
}
