import Foundation

/// The `\u` escapes that json-c would silently read as another text: an unpaired surrogate such as "\ud800",
/// which it replaces by U+FFFD, and "\u0000" in a key, where it cuts the key (its keys are C strings; string
/// values keep their NULs).
enum JSONEscapes {
    /// What is wrong with the first such escape in `text`, which json-c has parsed without an error.
    static func problem(in text: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = text.baseAddress else { return nil }
        var index = 0
        // In JSON that parsed, a backslash starts an escape inside a string: two bytes, or six for \uXXXX.
        while index < text.count, let found = memchr(base + index, Int32(UInt8(ascii: "\\")), text.count - index) {
            let escape = UnsafeRawPointer(base).distance(to: found)
            index = escape + 2
            guard text[escape + 1] == UInt8(ascii: "u") else { continue }
            index = escape + 6
            switch codeUnit(text, at: escape + 2) {
            case 0 where isKey(text, stringGoingOnAt: index):
                return "a key holds \\u0000 at byte offset \(escape), which json-c cannot keep"
            case 0xD800..<0xDC00:
                let lowFollows =
                    index + 6 <= text.count && text[index] == UInt8(ascii: "\\") && text[index + 1] == UInt8(ascii: "u")
                    && (0xDC00..<0xE000).contains(codeUnit(text, at: index + 2))
                guard lowFollows else { return "an unpaired surrogate escape at byte offset \(escape)" }
                index += 6
            case 0xDC00..<0xE000:
                return "an unpaired surrogate escape at byte offset \(escape)"
            default:
                continue
            }
        }
        return nil
    }

    /// The four hex digits at `index`.
    private static func codeUnit(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        text[index..<index + 4].reduce(0) { value, digit in
            value << 4 | (digit <= UInt8(ascii: "9") ? Int(digit) - 48 : Int(digit | 0x20) - 87)
        }
    }

    /// Whether the string going on at `index` is a key: a colon follows its closing quote.
    private static func isKey(_ text: UnsafeBufferPointer<UInt8>, stringGoingOnAt index: Int) -> Bool {
        var index = index
        while text[index] != UInt8(ascii: "\"") { index += text[index] == UInt8(ascii: "\\") ? 2 : 1 }
        index += 1
        while index < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index += 1 }
        return index < text.count && text[index] == UInt8(ascii: ":")
    }
}
