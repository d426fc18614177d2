import Foundation

/// GPT-2's merges.txt: one merge per line, two tokens separated by one space, in rank order. Lines starting
/// with "#version" are skipped wherever they are, as Hugging Face does; any other line, an empty one included,
/// must be a merge.
enum MergesText {
    static func merges(_ data: Data, file: String) throws -> [(String, String)] {
        guard String(validating: data, as: UTF8.self) != nil else {
            throw TokenizerError(path: file, problem: "not valid UTF-8")
        }
        var lines = [UInt8](data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }  // the newline ending the last line
        var merges: [(String, String)] = []
        merges.reserveCapacity(lines.count)
        for (index, bytes) in lines.enumerated() {
            guard bytes.count <= 2 * maximumTokenLength + 2 else {
                throw TokenizerError(path: file, problem: "line \(index + 1) is \(bytes.count) bytes long, beyond the limit of \(2 * maximumTokenLength + 2) for a merge")
            }
            let line = String(decoding: bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes, as: UTF8.self)
            if line.utf8.starts(with: "#version".utf8) { continue }
            guard let merge = merge(line) else {
                throw TokenizerError(
                    path: file,
                    problem:
                        "line \(index + 1): expected two tokens separated by a space, found \(line.debugDescription)")
            }
            merges.append(merge)
        }
        return merges
    }

    /// Splits "a b" at its one space (split as bytes: a space followed by a combining mark is one Swift
    /// Character, so `String.split` would miss it).
    static func merge(_ line: String) -> (String, String)? {
        let parts = line.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self))
    }
}
