import Foundation

/// A WordPiece vocab.txt: one token a line, whose id is the line's index from 0. Lines end as Python reads them in
/// transformers (universal newlines: "\n", "\r\n" or "\r"), and nothing else is stripped. transformers would make
/// an empty line the token "" and let a repeated token keep only its last id, leaving a hole; both are errors here,
/// naming the line.
enum VocabText {
    static func vocabulary(_ data: Data, file: String) throws -> Vocabulary {
        func error(_ problem: String) -> TokenizerError { TokenizerError(path: file, problem: problem) }
        guard String(validating: data, as: UTF8.self) != nil else { throw error("not valid UTF-8") }
        guard !data.isEmpty else { throw error("the file is empty") }
        let bytes = [UInt8](data)
        var entries: [(token: String, id: Int)] = []
        var lines = ByteStringMap()
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            let line = entries.count + 1
            let token = bytes[start..<end]
            guard !token.isEmpty else { throw error("line \(line) is empty") }
            guard token.count <= maximumTokenLength else {
                throw error("line \(line) is \(token.count) bytes long, beyond the limit of \(maximumTokenLength) for a token")
            }
            if let first = lines.value(for: token) {
                let text = String(decoding: token, as: UTF8.self)
                throw error("line \(line) repeats \(text.debugDescription), the token of line \(first)")
            }
            lines.set(token, to: line)
            entries.append((String(decoding: token, as: UTF8.self), entries.count))
            start = end + (end + 1 < bytes.count && bytes[end] == 0x0D && bytes[end + 1] == 0x0A ? 2 : 1)
        }
        return try Vocabulary(entries: entries, source: file)
    }
}

/// The longest token a vocabulary file may hold, in bytes: published tokens are at most a few hundred bytes.
let maximumTokenLength = 1 << 16
