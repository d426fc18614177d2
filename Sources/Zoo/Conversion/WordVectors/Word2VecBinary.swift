/// word2vec's binary format: a text header `count dimension\n`, then per word its UTF-8 bytes, a space and
/// `dimension` little-endian float32 values. The original tool writes a line break after each vector, gensim does
/// not; line breaks before a word are skipped, as both readers do.
enum Word2VecBinary {
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int, dimension: Int,
                     path: String) throws(ZooError) -> WordVectorTable {
        var table = WordVectorTable(dimension: dimension, expectedCount: count)
        var position = start
        let vectorBytes = 4 * dimension
        for record in 1...count {
            while position < bytes.count && bytes[position] == 0x0A { position += 1 }
            let wordStart = position
            while position < bytes.count && bytes[position] != 0x20 { position += 1 }
            guard position < bytes.count else {
                throw ZooError(path: path, "word \(record) of \(count) (at byte \(wordStart)): the file ends before its vector (truncated, or the header's count is wrong)")
            }
            let word = UnsafeBufferPointer(rebasing: bytes[wordStart..<position])
            position += 1
            guard position + vectorBytes <= bytes.count else {
                throw ZooError(path: path, "word \(record) of \(count) (at byte \(wordStart)): the file ends inside its vector (truncated, or the header's dimension is wrong)")
            }
            for i in 0..<dimension {
                let offset = position + 4 * i
                let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24
                let value = Float(bitPattern: bits)
                guard value.isFinite else {
                    throw ZooError(path: path, "word \(record) of \(count) (at byte \(wordStart)): value \(i + 1) is not a finite number")
                }
                table.values.append(value)
            }
            position += vectorBytes
            try table.add(word) { "\(path): word \(record) of \(count) (at byte \(wordStart))" }
        }
        while position < bytes.count && WordVectorsText.isBlank(bytes[position] == 0x0A ? 0x20 : bytes[position]) {
            position += 1
        }
        guard position == bytes.count else {
            throw ZooError(path: path, "\(bytes.count - position) bytes after the \(count) words the header announces (is the count wrong?)")
        }
        return table
    }
}
