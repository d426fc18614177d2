/// The text formats of word vectors, one word a line followed by its values, separated by spaces (or tabs):
/// GloVe's (`word v1 v2 …` from the first line) and word2vec's (a first line `count dimension`, then the same).
/// Lines may end in "\r\n"; spaces at the end of a line are ignored, and so are empty lines at the end of the file.
enum WordVectorsText {
    /// Reads the lines from `start` on (the line after the header, if any, numbered `firstLine`). Without a
    /// header, the first line's values give the dimension and `count` is nil.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, firstLine: Int,
                     dimension headerDimension: Int?, count: Int?, path: String) throws(ZooError) -> WordVectorTable {
        var table: WordVectorTable?
        var position = start
        var line = firstLine
        var records = 0
        var emptyLine: Int?
        while position < bytes.count {
            var end = position
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            defer {
                position = end + 1
                line += 1
            }
            var last = end
            while last > position && isBlank(bytes[last - 1]) { last -= 1 }
            let text = UnsafeBufferPointer(rebasing: bytes[position..<last])
            if text.isEmpty {
                if emptyLine == nil { emptyLine = line }
                continue
            }
            if let emptyLine { throw ZooError(path: path, "line \(emptyLine) is empty") }
            let lineNumber = line
            if let count, records == count {
                throw ZooError(path: path, "line \(lineNumber): more lines than the \(count) words the header announces")
            }
            if table == nil {
                let dimension = headerDimension ?? fields(text).count - 1
                guard dimension > 0 else {
                    throw ZooError(path: path, "line \(lineNumber) has a word and no values")
                }
                table = WordVectorTable(dimension: dimension, expectedCount: count ?? estimatedLines(bytes, sample: text.count))
            }
            try readRecord(text, into: &table!, line: lineNumber, dimensionSource: headerDimension == nil ? "line \(firstLine)" : "the header", path: path)
            records += 1
        }
        guard let table, records > 0 else {
            throw ZooError(path: path, count == nil ? "the file is empty" : "the header announces \(count!) words but no line follows")
        }
        if let count, records < count {
            throw ZooError(path: path, "the header announces \(count) words but the file has \(records)")
        }
        return table
    }

    /// One line: the word, then exactly `table.dimension` numbers.
    static func readRecord(_ text: UnsafeBufferPointer<UInt8>, into table: inout WordVectorTable, line: Int,
                           dimensionSource: String, path: String) throws(ZooError) {
        var i = 0
        while i < text.count && !isSeparator(text[i]) { i += 1 }
        let word = UnsafeBufferPointer(rebasing: text[0..<i])
        var values = 0
        while i < text.count {
            while i < text.count && isSeparator(text[i]) { i += 1 }
            let start = i
            while i < text.count && !isSeparator(text[i]) { i += 1 }
            guard start < i else { break }
            values += 1
            let field = UnsafeBufferPointer(rebasing: text[start..<i])
            guard let value = DecimalNumber.float(field) else {
                throw ZooError(path: path, "line \(line): value \(values) (\(String(decoding: field, as: UTF8.self).debugDescription)) is not a finite number")
            }
            if values <= table.dimension { table.values.append(value) }
        }
        guard values == table.dimension else {
            throw ZooError(path: path, "line \(line) has \(values) values, but \(dimensionSource) gives \(table.dimension) dimensions")
        }
        try table.add(word) { "\(path): line \(line)" }
    }

    /// The fields of a line, split at spaces and tabs.
    static func fields(_ text: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
        var result: [UnsafeBufferPointer<UInt8>] = []
        var i = 0
        while i < text.count {
            while i < text.count && isSeparator(text[i]) { i += 1 }
            let start = i
            while i < text.count && !isSeparator(text[i]) { i += 1 }
            if start < i { result.append(UnsafeBufferPointer(rebasing: text[start..<i])) }
        }
        return result
    }

    static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// About how many lines the file has, from the length of its first, to reserve memory once.
    private static func estimatedLines(_ bytes: UnsafeBufferPointer<UInt8>, sample: Int) -> Int {
        min(bytes.count / max(sample + 1, 1) + 16, 50_000_000)
    }
}
