import ZooModels
import ZooTensor
import ZooTokenizers

/// Word vectors put to use: the cosine similarity of two words, their nearest neighbours, and analogies solved by
/// vector arithmetic, as gensim's KeyedVectors computes them (`similarity`, `most_similar`). Words are matched as
/// they are spelled, case included.
public struct WordVectorSearch {
    public let model: any WordEmbeddingModel
    public let tokenizer: Tokenizer
    public let name: String

    /// A word and its cosine similarity to the query.
    public struct Match: Codable, Sendable, Equatable {
        public let word: String
        public let score: Float

        public init(word: String, score: Float) {
            self.word = word
            self.score = score
        }
    }

    public var count: Int { model.vocabularySize }

    /// The word of row `row`.
    public func word(_ row: Int) -> String { tokenizer.token(for: row) ?? "" }

    /// The rows of `words`, or one error naming every word the model does not have.
    public func rows(of words: [String]) throws(ZooError) -> [Int] {
        var rows: [Int] = []
        var unknown: [String] = []
        for word in words {
            if let row = tokenizer.id(for: word), row < count { rows.append(row) } else if !unknown.contains(word) { unknown.append(word) }
        }
        guard unknown.isEmpty else {
            let list = unknown.map(\.debugDescription).joined(separator: ", ")
            throw ZooError("\(name) has no word\(unknown.count > 1 ? "s" : "") \(list) (words are matched as spelled, case included)")
        }
        return rows
    }

    /// The cosine similarity of two words, from -1 to 1.
    public func similarity(_ a: String, _ b: String) throws(ZooError) -> Float {
        let rows = try rows(of: [a, b])
        let unit = model.unitVectors.data, d = model.dimension
        var dot: Float = 0
        for i in 0..<d { dot += unit[rows[0] * d + i] * unit[rows[1] * d + i] }
        return dot
    }

    /// The `topK` words closest to the mean of the unit vectors of `positive` minus those of `negative`, best first,
    /// the query words left out; among the first `restrict` words only, when given. gensim's `most_similar`.
    public func mostSimilar(positive: [String], negative: [String] = [], topK: Int = 10,
                            restrict: Int? = nil) throws(ZooError) -> [Match] {
        guard topK >= 1 else { throw ZooError("top-k must be at least 1") }
        guard !positive.isEmpty || !negative.isEmpty else { throw ZooError("give at least one word") }
        let rows = try rows(of: positive + negative)
        let weights = positive.map { _ in Float(1) } + negative.map { _ in Float(-1) }
        let query = meanUnitVector(rows: rows, weights: weights)
        let searched = min(restrict ?? count, count)
        let scores = linear(Tensor(shape: [1, model.dimension], values: query), weight: unitRows(0..<searched))
        return best(scores.data, count: searched, k: topK + rows.count)
            .filter { !rows.contains($0) }.prefix(topK)
            .map { Match(word: word($0), score: scores.data[$0]) }
    }

    /// The `topK` nearest words to `word`.
    public func neighbors(of word: String, topK: Int = 10) throws(ZooError) -> [Match] {
        try mostSimilar(positive: [word], topK: topK)
    }

    /// The answers to `expression`, a sum and difference of words such as "king - man + woman".
    public func analogy(_ expression: String, topK: Int = 10) throws(ZooError) -> [Match] {
        let terms = try WordExpression(expression)
        return try mostSimilar(positive: terms.positive, negative: terms.negative, topK: topK)
    }

    /// Σ weightᵢ · unit(rowᵢ) / Σ |weightᵢ|, scaled to unit length: gensim's `get_mean_vector` with pre- and
    /// post-normalisation.
    func meanUnitVector(rows: [Int], weights: [Float]) -> [Float] {
        let d = model.dimension, unit = model.unitVectors.data
        var mean = [Float](repeating: 0, count: d)
        for (row, weight) in zip(rows, weights) {
            for i in 0..<d { mean[i] += weight * unit[row * d + i] }
        }
        let total = weights.reduce(0) { $0 + abs($1) }
        var squares: Double = 0
        for i in 0..<d {
            mean[i] /= total
            squares += Double(mean[i]) * Double(mean[i])
        }
        let norm = squares.squareRoot()
        return norm > 0 ? mean.map { Float(Double($0) / norm) } : mean
    }

    /// The unit vectors of `rows`, as a view.
    func unitRows(_ rows: Range<Int>) -> Tensor { model.unitVectors.rowSlice(rows) }
}

extension Tensor {
    /// Rows `range` of a float32 matrix, as a view.
    func rowSlice(_ range: Range<Int>) -> Tensor {
        Tensor(shape: [range.count, shape[1]], dtype: .float32, storage: storage,
               byteOffset: byteOffset + range.lowerBound * shape[1] * 4)
    }
}

/// The indices of the `k` largest of `count` scores, largest first (equal scores: lower index first).
func best(_ scores: UnsafePointer<Float>, count: Int, k: Int) -> [Int] {
    if k * 8 >= count {
        func before(_ a: Int, _ b: Int) -> Bool { scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
        return Array((0..<count).sorted(by: before).prefix(k))
    }
    var top = TopScores(k: k)
    top.offer(scores, count: count, firstIndex: 0)
    return top.indices
}

/// The `k` best of the scores offered so far, in chunks: their indices, largest score first (equal scores: lower
/// index first). A sorted list; most scores fall below its last and cost one comparison.
struct TopScores {
    let k: Int
    private(set) var indices: [Int] = []
    private var scores: [Float] = []

    init(k: Int) {
        self.k = k
        indices.reserveCapacity(k)
        scores.reserveCapacity(k)
    }

    /// Offers `count` scores, those of indices `firstIndex` on (higher than any offered before).
    mutating func offer(_ values: UnsafePointer<Float>, count: Int, firstIndex: Int) {
        for i in 0..<count where indices.count < k || values[i] > scores[k - 1] {
            // Strictly greater moves up: an equal score stays behind the earlier (lower) index.
            var j = indices.count
            if j < k {
                indices.append(0)
                scores.append(0)
            } else {
                j = k - 1
            }
            while j > 0 && values[i] > scores[j - 1] {
                indices[j] = indices[j - 1]
                scores[j] = scores[j - 1]
                j -= 1
            }
            indices[j] = firstIndex + i
            scores[j] = values[i]
        }
    }
}

/// A sum and difference of words, "king - man + woman": words and the operators + and -, separated by spaces. A
/// term without an operator before it is added. Operators stand apart, so that words may hold "-" ("x-ray").
struct WordExpression {
    var positive: [String] = []
    var negative: [String] = []

    init(_ text: String) throws(ZooError) {
        var sign: Character?
        for token in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            if token == "+" || token == "-" {
                guard sign == nil else { throw ZooError("\"\(text)\": two operators in a row") }
                sign = token.first
                continue
            }
            if sign == "-" { negative.append(token) } else { positive.append(token) }
            sign = nil
        }
        guard sign == nil else { throw ZooError("\"\(text)\": the expression ends with an operator") }
        guard !positive.isEmpty || !negative.isEmpty else {
            throw ZooError("the expression is empty: give words joined by + and -, such as \"king - man + woman\"")
        }
    }
}

extension LoadedModel {
    /// The word-vector search of this model, or an error if it is not made of word vectors.
    public func wordVectors() throws -> WordVectorSearch {
        guard let vectors = model as? any WordEmbeddingModel else { throw unsupported("hold word vectors") }
        guard tokenizer.vocabularySize == vectors.vocabularySize else {
            throw ZooError("\(name): words.txt has \(tokenizer.vocabularySize) words but the matrix \(vectors.vocabularySize) rows (the model is damaged)")
        }
        return WordVectorSearch(model: vectors, tokenizer: tokenizer, name: name)
    }

    /// The cosine similarity of two inputs by whatever vectors this model makes: of two words for word vectors,
    /// of two texts' pooled embeddings for an encoder.
    public func similarity(_ a: String, _ b: String, pooling: Pooling = .mean, truncate: Bool = false) throws -> Float {
        if model is any WordEmbeddingModel { return try wordVectors().similarity(a, b) }
        return try embedder().similarity(a, b, pooling: pooling, truncate: truncate)
    }
}
