import ZooTensor

/// Static word vectors (word2vec, GloVe, fastText's .vec): one vector per word, no network around them. The words
/// are the model's tokenizer file, `words.txt`, whose line i names row i of the matrix.
public struct WordVectors: Architecture {
    public static let modelTypes = ["word-vectors"]

    public struct Config: Decodable, Sendable {
        /// The length of each vector.
        var dimension: Int
        /// The number of words, the rows of the matrix.
        var count: Int
    }

    public let config: Config

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        guard config.dimension > 0, config.count > 0 else {
            throw ModelError(path: file.path, message: "dimension and count must be positive")
        }
        self.config = config
    }

    public var tensorShapes: [String: [Int]] { ["vectors": [config.count, config.dimension]] }

    /// Word-vector imports name their one tensor "vectors" already.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        name == "vectors" ? .tensor("vectors", .none) : .unknown
    }

    public func exportName(forCanonicalName name: String) -> ExportName? {
        name == "vectors" ? ExportName("vectors") : nil
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        WordVectorsModel(vectors: try weights.tensor("vectors").float32())
    }
}

/// Word vectors loaded for search: the float32 matrix with its rows scaled to unit length, so that one
/// matrix-vector product gives the cosine similarity of a unit vector to every word.
public final class WordVectorsModel: WordEmbeddingModel {
    public let vectors: Tensor
    public let unitVectors: Tensor
    public let norms: [Float]

    init(vectors: Tensor) {
        self.vectors = vectors
        let count = vectors.shape[0], dimension = vectors.shape[1]
        let unit = Tensor(zeros: vectors.shape)
        var norms = [Float](repeating: 0, count: count)
        let source = vectors.data, target = unit.mutableData
        for row in 0..<count {
            let from = source + row * dimension, to = target + row * dimension
            var sum: Float = 0
            for i in 0..<dimension { sum += from[i] * from[i] }
            let norm = sum.squareRoot()
            norms[row] = norm
            // A zero vector stays zero: it is similar to nothing.
            if norm > 0 { for i in 0..<dimension { to[i] = from[i] / norm } }
        }
        self.unitVectors = unit
        self.norms = norms
    }

    public var vocabularySize: Int { vectors.shape[0] }
}

/// A model made of one vector per word: the rows of `vectors`, [count, dimension], in float32.
public protocol WordEmbeddingModel: LanguageModel {
    var vectors: Tensor { get }
    /// `vectors` with each row divided by its Euclidean norm (a zero row stays zero).
    var unitVectors: Tensor { get }
    /// The Euclidean norm of each row.
    var norms: [Float] { get }
}

extension WordEmbeddingModel {
    public var dimension: Int { vectors.shape[1] }
}
