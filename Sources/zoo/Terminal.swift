import Foundation

/// Output to the user: results on stdout, diagnostics and progress on stderr.
enum Terminal {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("zoo: error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("zoo: \(message)\n".utf8))
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// A one-line progress bar on stderr, redrawn in place.
struct ProgressBar {
    let label: String
    private var lastPercent = -1

    init(label: String) { self.label = label }

    mutating func update(done: Int, total: Int) {
        let percent = total > 0 ? done * 100 / total : 100
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
        let megabytes = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_000_000) }
        let line = "\r\(label) [\(bar)] \(percent)% \(megabytes(done))/\(megabytes(total)) MB"
        FileHandle.standardError.write(Data((line + (done >= total ? "\n" : "")).utf8))
    }
}
