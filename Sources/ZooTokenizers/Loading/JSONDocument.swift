import CJSONC
import Foundation

/// A JSON file parsed by json-c, whose tree lives as long as the document.
///
/// json-c rather than Foundation: on GPT-2's tokenizer.json (3.6 MB) it parses in a third of the time, and it keeps
/// object keys byte for byte where Foundation merges canonically equivalent ones ("é" and "e\u{301}"). It runs in
/// strict mode, and what strict mode lets through that would change a value is checked here: invalid UTF-8 (json-c's
/// own check passes overlong and surrogate sequences), a NUL byte, where json-c stops reading, and the escapes of
/// `JSONEscapes`.
///
/// Still accepted, being invalid JSON whose meaning is plain: NaN and Infinity, numbers like `1.` and `-01`, control
/// characters left unescaped in strings, keys in single quotes, integers beyond 64 bits (saturated, so always out
/// of range for an id), and a UTF-8 byte order mark. An object that repeats a key keeps the last value, as Python's
/// json does.
final class JSONDocument {
    let file: String
    /// nil for a file holding `null`.
    let root: OpaquePointer?

    /// The levels of nesting allowed: as many as serde_json, which reads these files in Hugging Face's library,
    /// allows. json-c's default is 32; the deepest fixture has 7.
    private static let maximumDepth: Int32 = 128

    init(_ data: Data, file: String) throws {
        self.file = file
        root = try data.withUnsafeBytes { try Self.parse($0.assumingMemoryBound(to: UInt8.self), file: file) }
    }

    deinit {
        json_object_put(root)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> OpaquePointer? {
        func invalid(_ problem: String) -> TokenizerError {
            TokenizerError(path: file, problem: "not valid JSON: \(problem)")
        }
        let skipped = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let text = UnsafeBufferPointer(rebasing: bytes[skipped...])
        guard let start = text.baseAddress, !text.isEmpty else { throw invalid("the file is empty") }
        guard text.count < Int32.max else { throw invalid("larger than json-c's limit of 2 GB") }
        do {
            _ = try UTF8Span(validating: text.span)
        } catch {
            throw invalid("invalid UTF-8 at byte offset \(skipped + error.byteOffsets.lowerBound)")
        }
        // json-c would take a NUL byte for the end of the text, leaving what follows unread.
        if let nul = memchr(start, 0, text.count) {
            throw invalid("a NUL byte at byte offset \(skipped + UnsafeRawPointer(start).distance(to: nul))")
        }

        guard let tokener = json_tokener_new_ex(maximumDepth) else { throw invalid("json-c is out of memory") }
        defer { json_tokener_free(tokener) }
        json_tokener_set_flags(tokener, JSON_TOKENER_STRICT)
        let chars = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
        var root = json_tokener_parse_ex(tokener, chars, Int32(text.count))
        var status = json_tokener_get_error(tokener)
        var offset = json_tokener_get_parse_end(tokener)
        if status == json_tokener_continue {
            // The text ended inside a value, or after a top-level number that more digits could extend: a NUL
            // byte tells json-c the text is over.
            root = json_tokener_parse_ex(tokener, "", 1)
            status = json_tokener_get_error(tokener)
            offset = text.count
        }
        // In strict mode anything after the value is an error too.
        guard status == json_tokener_success else {
            throw invalid("\(String(cString: json_tokener_error_desc(status))) at byte offset \(skipped + offset)")
        }
        if let problem = JSONEscapes.problem(in: bytes) {
            json_object_put(root)
            throw invalid(problem)
        }
        return root
    }
}
