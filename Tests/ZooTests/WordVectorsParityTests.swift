import Foundation
import Testing
@testable import Zoo

/// The bundled GloVe model (Models/glove-6b-50d-50k) against gensim 4.4 on the very same float16 values
/// (Tools/make_word_vector_fixtures.py): the same words in the same order, scores within the recorded tolerance
/// (1e-4; the two compute the same float32 products in a different order, which differs by about 1e-7), and the
/// analogy evaluation's counts identical, section by section.
@Suite struct WordVectorsParityTests {
    struct Reference: Decodable {
        struct Answer: Decodable {
            let word: String
            let score: Float
        }
        struct Analogy: Decodable {
            let positive: [String]
            let negative: [String]
            let answers: [Answer]
        }
        struct Pair: Decodable {
            let a: String
            let b: String
            let score: Float
        }
        struct Section: Decodable, Equatable {
            let section: String
            let correct: Int
            let incorrect: Int
        }
        let tolerance: Float
        let neighbors: [String: [Answer]]
        let analogies: [Analogy]
        let similarity: [Pair]
        let evaluation_slice: [Section]
        let evaluation_slice_restrict_10000: [Section]
    }

    let reference: Reference
    let search: WordVectorSearch

    init() throws {
        reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("word-vectors/glove-6b-50d-50k.gensim.json")))
        search = try ModelZoo(folders: [ModelZoo.bundledModels]).model(named: "glove-6b-50d-50k").load().wordVectors()
    }

    func expectSame(_ found: [WordVectorSearch.Match], _ wanted: [Reference.Answer], _ label: String) {
        #expect(found.map(\.word) == wanted.map(\.word), "\(label)")
        let worst = zip(found, wanted).map { abs($0.score - $1.score) }.max() ?? 0
        #expect(worst <= reference.tolerance, "\(label): scores differ by \(worst)")
    }

    @Test func neighborsMatchGensimMostSimilar() throws {
        for (word, wanted) in reference.neighbors {
            expectSame(try search.neighbors(of: word, topK: wanted.count), wanted, word)
        }
    }

    @Test func analogiesMatchGensimMostSimilar() throws {
        for analogy in reference.analogies {
            let found = try search.mostSimilar(positive: analogy.positive, negative: analogy.negative, topK: analogy.answers.count)
            expectSame(found, analogy.answers, "\(analogy.positive) - \(analogy.negative)")
        }
    }

    @Test func similarityMatchesGensim() throws {
        for pair in reference.similarity {
            #expect(abs(try search.similarity(pair.a, pair.b) - pair.score) <= reference.tolerance, "\(pair.a) \(pair.b)")
        }
    }

    @Test func kingMinusManPlusWomanIsQueen() throws {
        #expect(try search.analogy("king - man + woman", topK: 1).first?.word == "queen")
    }

    @Test func analogyEvaluationCountsMatchGensimSectionBySection() throws {
        let file = fixture("word-vectors/questions-words-slice.txt")
        for (restrict, wanted) in [(300_000, reference.evaluation_slice), (10_000, reference.evaluation_slice_restrict_10000)] {
            let result = try search.evaluateAnalogies(file: file, restrict: restrict)
            let found = (result.sections + [result.total]).map {
                Reference.Section(section: $0.section, correct: $0.correct, incorrect: $0.incorrect)
            }
            #expect(found == wanted, "restrict \(restrict)")
            #expect(result.questions == 14 * 25)
        }
    }
}

/// Word-vector queries that are refused, each with one clear error.
@Suite struct WordVectorsBadQueryTests {
    let search = try! ModelZoo(folders: [ModelZoo.bundledModels]).model(named: "glove-6b-50d-50k").load().wordVectors()

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            Issue.record("no error")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownWordsAreNamed() {
        #expect(message { _ = try search.neighbors(of: "qwzxv") }
            == "glove-6b-50d-50k has no word \"qwzxv\" (words are matched as spelled, case included)")
        #expect(message { _ = try search.analogy("King - man + Woman") }
            == "glove-6b-50d-50k has no words \"King\", \"Woman\" (words are matched as spelled, case included)")
        #expect(message { _ = try search.similarity("king", "Queen") }.contains("no word \"Queen\""))
    }

    @Test func malformedExpressionsAreRefused() throws {
        #expect(message { _ = try search.analogy("   ") }.contains("the expression is empty"))
        #expect(message { _ = try search.analogy("king - man +") }.contains("ends with an operator"))
        #expect(message { _ = try search.analogy("king - + man") }.contains("two operators in a row"))
        // Without spaces, "king-man" is one (unknown) word: GloVe has hyphenated words.
        #expect(message { _ = try search.analogy("king-man+woman") }.contains("no word \"king-man+woman\""))
        #expect(try search.analogy("x-ray - bone", topK: 3).count == 3)
    }

    @Test func evaluationFilesWithProblemsAreRefused() throws {
        let folder = temporaryFolder("questions")
        let orphan = folder.appendingPathComponent("orphan.txt")
        try "king queen man woman\n: section\n".write(to: orphan, atomically: true, encoding: .utf8)
        #expect(message { _ = try search.evaluateAnalogies(file: orphan) }
            == "\(orphan.path): line 1: a question before the first section header (\": name\")")
        let missing = folder.appendingPathComponent("missing.txt")
        #expect(message { _ = try search.evaluateAnalogies(file: missing) }.hasPrefix("\(missing.path): cannot be read"))
    }

    @Test func aModelWithoutWordVectorsSaysWhatItServes() throws {
        let (loaded, _) = try convertedFixture("tiny-gpt2")
        #expect(message { _ = try loaded.wordVectors() }
            == "m is a gpt2 model, which does not hold word vectors: it serves only zoo generate")
    }
}
