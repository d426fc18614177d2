import Foundation
import ZooModels
import ZooTensor

/// A file of word vectors as a model to convert: GloVe text, word2vec text or word2vec binary, told apart by their
/// content. A first line of two integers is word2vec's header `count dimension`; the lines after it are text when
/// the first of them is a word with `dimension` numbers, binary when its bytes are not text. Any other first line
/// must be GloVe's `word v1 v2 …`.
enum WordVectorsImport {
    /// The word-vector model in `url`, or nil when the file does not start like word vectors (then it is not
    /// something Zoo converts). Once the start fits, any problem further on is an error naming the line.
    static func source(_ url: URL) throws -> ModelSource? {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw ZooError(path: url.path, "cannot be read: \(error.localizedDescription)")
        }
        let path = url.path
        let read: (format: String, table: WordVectorTable)? = try data.withUnsafeBytes { raw throws(ZooError) in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.contains(where: { !WordVectorsText.isBlank($0) && $0 != 0x0A }) else {
                throw ZooError(path: path, "the file is empty")
            }
            var end = 0
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var last = end
            while last > 0 && WordVectorsText.isBlank(bytes[last - 1]) { last -= 1 }
            let first = WordVectorsText.fields(UnsafeBufferPointer(rebasing: bytes[0..<last]))
            if first.count == 2, let count = integer(first[0]), let dimension = integer(first[1]) {
                guard count > 0, dimension > 0 else {
                    throw ZooError(path: path, "line 1: the header announces \(count) words of \(dimension) dimensions")
                }
                let start = min(end + 1, bytes.count)
                if isBinary(bytes, from: start, dimension: dimension) {
                    return ("word2vec-binary", try Word2VecBinary.read(bytes, from: start, count: count, dimension: dimension, path: path))
                }
                return ("word2vec-text", try WordVectorsText.read(bytes, from: start, firstLine: 2, dimension: dimension,
                                                                   count: count, path: path))
            }
            // GloVe: a word and numbers. A first line that is not (a binary checkpoint, a document) is no word vectors.
            guard first.count >= 2, DecimalNumber.float(first[1]) != nil else { return nil }
            return ("glove-text", try WordVectorsText.read(bytes, from: 0, firstLine: 1, dimension: nil, count: nil, path: path))
        }
        guard let read else { return nil }
        let table = read.table
        let config = "{\n  \"model_type\": \"word-vectors\",\n  \"dimension\": \(table.dimension),\n  \"count\": \(table.count)\n}\n"
        let vectors = Tensor(shape: [table.count, table.dimension], values: table.values)
        return ModelSource(
            config: try ModelConfig(data: Data(config.utf8), path: path + " (as config.json)"),
            checkpoint: WordVectorsSource(sourceFormat: read.format, url: url, vectors: vectors),
            files: [.made(name: "words.txt", contents: Data(table.wordList))],
            makesTokenizer: true,
            notes: table.duplicates == 0 ? [] : ["\(table.duplicates) repeated words dropped (the first vector of each is kept)"])
    }

    private static func integer(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
        guard field.count <= 12, field.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(String(decoding: field, as: UTF8.self))
    }

    /// Whether the first record after a word2vec header is binary: its line is not a word and `dimension` numbers,
    /// and its bytes hold a control character no text has.
    private static func isBinary(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, dimension: Int) -> Bool {
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        let line = WordVectorsText.fields(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        if line.count == dimension + 1 && line.dropFirst().allSatisfy({ DecimalNumber.float($0) != nil }) { return false }
        let record = bytes[start..<min(bytes.count, start + 4 * dimension + 256)]
        return record.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D || $0 == 0x7F }
    }
}

/// The matrix read from a word-vector file, as the one tensor "vectors" of a checkpoint.
struct WordVectorsSource: CheckpointSource {
    static let format = "word-vectors"
    /// glove-text, word2vec-text or word2vec-binary.
    let sourceFormat: String
    let url: URL
    let vectors: Tensor

    var names: [String] { ["vectors"] }
    func shape(of name: String) -> [Int]? { name == "vectors" ? vectors.shape : nil }
    func dtype(of name: String) -> DType? { name == "vectors" ? .float32 : nil }
    func tensor(_ name: String) throws -> Tensor {
        guard name == "vectors" else { throw ZooError(path: url.path, "no tensor \"\(name)\"") }
        return vectors
    }
}
