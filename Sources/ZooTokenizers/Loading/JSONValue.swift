import CJSONC
import Foundation

/// A value in a parsed JSON file, with the file and key path it came from, so that a value of the wrong type is
/// reported as "tokenizer.json: model.vocab: expected an object, found an array". It reads json-c's tree in place.
struct JSONValue {
    /// How a value is reached from its container; the path text is only made for error messages.
    enum Step {
        case root
        case key(String)
        /// A key that is data, such as a token: written `["token"]`.
        case entry(String)
        case index(Int)
    }

    /// json-c's value, nil for null.
    let handle: OpaquePointer?
    /// Keeps `handle` alive.
    let document: JSONDocument
    private let parentPath: String
    private let step: Step

    init(handle: OpaquePointer?, document: JSONDocument, parentPath: String = "", step: Step = .root) {
        self.handle = handle
        self.document = document
        self.parentPath = parentPath
        self.step = step
    }

    static func parse(_ data: Data, file: String) throws -> JSONValue {
        let document = try JSONDocument(data, file: file)
        return JSONValue(handle: document.root, document: document)
    }

    var file: String { document.file }

    /// The key path, such as "model.merges[3]".
    var path: String {
        switch step {
        case .root: return parentPath
        case .key(let key): return parentPath.isEmpty ? key : "\(parentPath).\(key)"
        case .entry(let key): return "\(parentPath)[\(key.debugDescription)]"
        case .index(let index): return "\(parentPath)[\(index)]"
        }
    }

    func error(_ problem: String) -> TokenizerError {
        TokenizerError(path: file, problem: path.isEmpty ? problem : "\(path): \(problem)")
    }

    var isArray: Bool { json_object_get_type(handle) == json_type_array }

    func object() throws -> JSONObject {
        guard let handle, json_object_get_type(handle) == json_type_object else { throw mismatch("an object") }
        return JSONObject(handle: handle, document: document, path: path)
    }

    func array() throws -> JSONArray {
        guard let handle, isArray else { throw mismatch("an array") }
        return JSONArray(handle: handle, document: document, path: path)
    }

    func string() throws -> String {
        guard let string = Self.string(handle) else { throw mismatch("a string") }
        return string
    }

    /// `["a", "b"]` as a pair, or nil for any other value; read without the key paths that errors need, as a
    /// model has tens of thousands of merges written so.
    var stringPair: (String, String)? {
        guard isArray, json_object_array_length(handle) == 2,
            let left = Self.string(json_object_array_get_idx(handle, 0)),
            let right = Self.string(json_object_array_get_idx(handle, 1))
        else { return nil }
        return (left, right)
    }

    /// The string's bytes as they are, NULs included (the document is valid UTF-8).
    private static func string(_ handle: OpaquePointer?) -> String? {
        guard json_object_get_type(handle) == json_type_string, let bytes = json_object_get_string(handle) else {
            return nil
        }
        let count = Int(json_object_get_string_len(handle))
        return bytes.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    func bool() throws -> Bool {
        guard json_object_get_type(handle) == json_type_boolean else { throw mismatch("true or false") }
        return json_object_get_boolean(handle) != 0
    }

    func number() throws -> Double {
        let type = json_object_get_type(handle)
        guard type == json_type_int || type == json_type_double else { throw mismatch("a number") }
        return json_object_get_double(handle)
    }

    /// An integer written without fraction or exponent, within `Int`.
    func integer() throws -> Int {
        // json-c keeps an integer above Int64.max as a UInt64, which reads back as Int64.max.
        guard json_object_get_type(handle) == json_type_int, json_object_get_uint64(handle) <= Int64.max else {
            throw mismatch("an integer")
        }
        return Int(json_object_get_int64(handle))
    }

    private func mismatch(_ expected: String) -> TokenizerError {
        error("expected \(expected), found \(kind)")
    }

    private var kind: String {
        switch json_object_get_type(handle) {
        case json_type_null: return "null"
        case json_type_string: return "a string"
        case json_type_array: return "an array"
        case json_type_object: return "an object"
        case json_type_boolean: return "a boolean"
        // json-c writes a parsed fraction as the file has it.
        default: return "the number \(String(cString: json_object_to_json_string(handle)))"
        }
    }
}
