import CJSONC
import Foundation

/// Where a tokenizer.json holds its model's two large values, `model.vocab` and `model.merges`, as byte ranges of
/// the file. With the BPE tables in the cache, a load parses the file with these two values replaced by `{}` and
/// `[]`, a small fraction of its bytes.
///
/// The scan follows only strings and nesting, so it is trusted only once `verified(against:)` has compared the
/// document it gives with the whole file's; the ranges are stored in the cache entry of exactly these bytes.
struct ModelTableRanges: Equatable {
    let vocab: Range<Int>
    let merges: Range<Int>

    /// The ranges, or nil when the file does not hold them plainly: a key at these levels escaped or repeated,
    /// single-quoted text, or anything else the scan does not follow.
    init?(scanning data: Data) {
        let found = data.withUnsafeBytes { bytes in
            var scanner = Scanner(bytes.bindMemory(to: UInt8.self))
            return scanner.modelTables()
        }
        guard let found else {
            return nil
        }
        (vocab, merges) = found
    }

    /// Ranges read back from a cache entry: `fits` checks them before use.
    init(unchecked vocab: Range<Int>, _ merges: Range<Int>) {
        self.vocab = vocab
        self.merges = merges
    }

    /// Whether both ranges lie in a file of `count` bytes without overlapping.
    func fits(_ count: Int) -> Bool {
        vocab.lowerBound >= 0 && merges.lowerBound >= 0 && vocab.upperBound <= count && merges.upperBound <= count
            && !vocab.overlaps(merges)
    }

    /// The file with the vocab replaced by `{}` and the merges by `[]`.
    func splice(_ data: Data) -> Data {
        let parts = [(vocab, Data("{}".utf8)), (merges, Data("[]".utf8))].sorted { $0.0.lowerBound < $1.0.lowerBound }
        var result = Data(capacity: data.count - vocab.count - merges.count + 4)
        var position = data.startIndex
        for (range, replacement) in parts {
            result.append(data[position..<data.startIndex + range.lowerBound])
            result.append(replacement)
            position = data.startIndex + range.upperBound
        }
        result.append(data[position...])
        return result
    }

    /// These ranges if the spliced file parses to the same document as `document` (the whole file, parsed) but for
    /// the two values, else nil. Deletes the two values from `document`'s model: call it once done with the tree.
    func verified(against document: JSONDocument, data: Data) -> ModelTableRanges? {
        guard let spliced = try? JSONDocument(splice(data), file: document.file) else { return nil }
        // The texts live in their documents' trees.
        return withExtendedLifetime((document, spliced)) {
            guard let whole = Self.withoutTables(document.root), let cut = Self.withoutTables(spliced.root) else {
                return nil
            }
            return strcmp(whole, cut) == 0 ? self : nil
        }
    }

    /// The document as json-c writes it, without `model.vocab` and `model.merges`.
    private static func withoutTables(_ root: OpaquePointer?) -> UnsafePointer<CChar>? {
        var model: OpaquePointer?
        guard json_object_get_type(root) == json_type_object, json_object_object_get_ex(root, "model", &model) != 0,
              json_object_get_type(model) == json_type_object else { return nil }
        json_object_object_del(model, "vocab")
        json_object_object_del(model, "merges")
        return json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN)
    }
}

/// Walks JSON text far enough to find `model.vocab` and `model.merges`; gives up on anything unexpected.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    mutating func modelTables() -> (Range<Int>, Range<Int>)? {
        guard let root = members(), let model = root["model"] else { return nil }
        position = model.lowerBound
        guard let tables = members(), let vocab = tables["vocab"], let merges = tables["merges"] else { return nil }
        return (vocab, merges)
    }

    /// The object at `position`: each key (written plainly, once) with its value's range.
    private mutating func members() -> [String: Range<Int>]? {
        skipSpace()
        guard next() == UInt8(ascii: "{") else { return nil }
        var found: [String: Range<Int>] = [:]
        skipSpace()
        if peek() == UInt8(ascii: "}") { return found }
        while true {
            skipSpace()
            guard peek() == UInt8(ascii: "\""), let key = string(), !key.contains(UInt8(ascii: "\\")) else {
                return nil
            }
            skipSpace()
            guard next() == UInt8(ascii: ":") else { return nil }
            skipSpace()
            let start = position
            guard skipValue() else { return nil }
            let name = String(decoding: key, as: UTF8.self)
            guard found.updateValue(start..<position, forKey: name) == nil else { return nil }
            skipSpace()
            switch next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return found
            default: return nil
            }
        }
    }

    /// The raw bytes of the string at `position` (escapes left as written), moving past it.
    private mutating func string() -> UnsafeBufferPointer<UInt8>? {
        guard next() == UInt8(ascii: "\"") else { return nil }
        let start = position
        while let byte = next() {
            if byte == UInt8(ascii: "\\") {
                guard next() != nil else { return nil }
            } else if byte == UInt8(ascii: "\"") {
                return UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
            }
        }
        return nil
    }

    /// Moves past one value: a string, an object or array (nesting and strings followed), or a bare word.
    private mutating func skipValue() -> Bool {
        guard let first = peek() else { return false }
        if first == UInt8(ascii: "\"") { return string() != nil }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            var depth = 0
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "'"): return false
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                position += 1
                if depth == 0 { return true }
            }
            return false
        }
        let start = position
        while let byte = peek(), !",}] \t\r\n".utf8.contains(byte) {
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { return false }
            position += 1
        }
        return position > start
    }

    private mutating func skipSpace() {
        while let byte = peek(), " \t\r\n".utf8.contains(byte) { position += 1 }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func next() -> UInt8? {
        defer { position += 1 }
        return peek()
    }
}
