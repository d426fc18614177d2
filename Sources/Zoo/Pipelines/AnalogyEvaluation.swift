import Foundation
import ZooModels
import ZooTensor

/// Accuracy on analogy questions ("a b c d": a is to b as c is to d) such as Google's questions-words.txt, computed
/// as gensim's `KeyedVectors.evaluate_word_analogies` (4.4) computes it, with its defaults:
///
/// - only the `restrict` most frequent words (the first rows) are used, 300,000 by default;
/// - words are compared in upper case, a spelling standing for its most frequent word;
/// - a question with a word outside those is skipped and counted in `skipped`;
/// - the answer is the word closest to b − a + c (unit vectors, `most_similar` over the same words) that is not
///   one of a, b, c;
/// - a line ": name" starts a section; a line that is not four words is ignored.
public struct AnalogyEvaluation: Codable, Sendable {
    public struct Section: Codable, Sendable {
        public let section: String
        public let correct: Int
        public let incorrect: Int
        /// correct / (correct + incorrect), 0 for a section without questions evaluated.
        public var accuracy: Double { correct + incorrect == 0 ? 0 : Double(correct) / Double(correct + incorrect) }

        enum CodingKeys: String, CodingKey { case section, correct, incorrect, accuracy }

        public init(section: String, correct: Int, incorrect: Int) {
            self.section = section
            self.correct = correct
            self.incorrect = incorrect
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            try self.init(section: container.decode(String.self, forKey: .section),
                          correct: container.decode(Int.self, forKey: .correct),
                          incorrect: container.decode(Int.self, forKey: .incorrect))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(section, forKey: .section)
            try container.encode(correct, forKey: .correct)
            try container.encode(incorrect, forKey: .incorrect)
            try container.encode(accuracy, forKey: .accuracy)
        }
    }

    /// The file's sections in order.
    public let sections: [Section]
    /// All sections together (gensim's "Total accuracy").
    public let total: Section
    /// Questions read (four words), evaluated or not.
    public let questions: Int
    /// Questions skipped for a word outside the `restrict` most frequent.
    public let skipped: Int
    public let restrict: Int
}

extension WordVectorSearch {
    /// Evaluates the questions of `file` (see `AnalogyEvaluation`).
    public func evaluateAnalogies(file: URL, restrict: Int = 300_000) throws -> AnalogyEvaluation {
        guard restrict >= 1 else { throw ZooError("--restrict must be at least 1") }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ZooError(path: file.path, "cannot be read: \(error.localizedDescription)")
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw ZooError(path: file.path, "not valid UTF-8") }
        let searched = min(restrict, count)
        // Upper-cased spelling to row; the most frequent (lowest) row wins.
        var rowOf: [String: Int] = [:]
        for row in stride(from: searched - 1, through: 0, by: -1) { rowOf[word(row).uppercased()] = row }

        struct Question { let section: Int; let a: Int, b: Int, c: Int; let words: [String] }
        var names: [String] = []
        var questionList: [Question] = []
        var read = 0, skipped = 0
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            if line.hasPrefix(": ") {
                names.append(String(line.drop { $0 == ":" || $0 == " " }).trimmingCharacters(in: .whitespacesAndNewlines))
                continue
            }
            guard !names.isEmpty else {
                throw ZooError(path: file.path, "line \(index + 1): a question before the first section header (\": name\")")
            }
            let words = line.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
            guard words.count == 4 else { continue }
            read += 1
            guard let a = rowOf[words[0]], let b = rowOf[words[1]], let c = rowOf[words[2]], rowOf[words[3]] != nil else {
                skipped += 1
                continue
            }
            questionList.append(Question(section: names.count - 1, a: a, b: b, c: c, words: words))
        }

        // The eight best rows of each question (gensim's five answers plus the three question words it drops),
        // from chunks of rows small enough to stay in cache while every question passes over them.
        let d = model.dimension, chunkRows = 8192, batch = 256
        let queries = Tensor(shape: [questionList.count, d],
                             values: questionList.flatMap { meanUnitVector(rows: [$0.b, $0.c, $0.a], weights: [1, 1, -1]) })
        var tops = questionList.map { _ in TopScores(k: 8) }
        for chunk in stride(from: 0, to: searched, by: chunkRows) {
            let rows = unitRows(chunk..<min(chunk + chunkRows, searched))
            for start in stride(from: 0, to: questionList.count, by: batch) {
                let count = min(batch, questionList.count - start)
                let scores = linear(queries.rowSlice(start..<start + count), weight: rows)
                for q in 0..<count {
                    tops[start + q].offer(scores.data + q * rows.shape[0], count: rows.shape[0], firstIndex: chunk)
                }
            }
        }

        var correct = [Int](repeating: 0, count: names.count), incorrect = correct
        for (question, top) in zip(questionList, tops) {
            let inputs = [question.b, question.c, question.a]
            let candidates = top.indices.filter { !inputs.contains($0) }.prefix(5)
            let ignored = Set(question.words.prefix(3))
            var predicted: String?
            for candidate in candidates {
                predicted = word(candidate).uppercased()
                if rowOf[predicted!] != nil && !ignored.contains(predicted!) { break }
            }
            if predicted == question.words[3] { correct[question.section] += 1 } else { incorrect[question.section] += 1 }
        }
        let sections = names.indices.map { AnalogyEvaluation.Section(section: names[$0], correct: correct[$0], incorrect: incorrect[$0]) }
        return AnalogyEvaluation(
            sections: sections,
            total: AnalogyEvaluation.Section(section: "Total accuracy", correct: correct.reduce(0, +), incorrect: incorrect.reduce(0, +)),
            questions: read, skipped: skipped, restrict: restrict)
    }
}
