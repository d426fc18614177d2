/// The words and vectors read from a file, in file order. A word that comes again keeps its first vector, as
/// gensim's `load_word2vec_format` does; the later ones are counted in `duplicates`.
struct WordVectorTable {
    let dimension: Int
    private(set) var words: [String] = []
    /// The vectors, row after row.
    var values: [Float] = []
    private(set) var duplicates = 0
    private var rows: [String: Int] = [:]

    init(dimension: Int, expectedCount: Int = 0) {
        self.dimension = dimension
        words.reserveCapacity(expectedCount)
        values.reserveCapacity(expectedCount * dimension)
        rows.reserveCapacity(expectedCount)
    }

    var count: Int { words.count }

    /// Adds `word`, whose vector the caller has just appended to `values`; a repeated word's vector is taken back
    /// off. The word must be valid UTF-8 without a line break (the model's word list has one word a line).
    mutating func add(_ word: UnsafeBufferPointer<UInt8>, where place: () -> String) throws(ZooError) {
        guard !word.isEmpty else { throw ZooError("\(place()): the word is empty") }
        guard let text = String(validating: word, as: UTF8.self) else {
            throw ZooError("\(place()): the word is not valid UTF-8")
        }
        guard !word.contains(0x0A) && !word.contains(0x0D) else {
            throw ZooError("\(place()): the word \(text.debugDescription) holds a line break")
        }
        if rows[text] != nil {
            duplicates += 1
            values.removeLast(dimension)
            return
        }
        rows[text] = words.count
        words.append(text)
    }

    /// words.txt: one word a line, in row order.
    var wordList: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.reduce(0) { $0 + $1.utf8.count + 1 })
        for word in words {
            bytes.append(contentsOf: word.utf8)
            bytes.append(0x0A)
        }
        return bytes
    }
}
