import CJSONC

/// A JSON object with the file and key path it came from.
struct JSONObject {
    let handle: OpaquePointer
    let document: JSONDocument
    let path: String

    var file: String { document.file }

    /// The object as a value, for errors about it as a whole.
    var value: JSONValue { JSONValue(handle: handle, document: document, parentPath: path) }

    /// The value at `key`, or nil when it is missing or null.
    subscript(key: String) -> JSONValue? {
        var value: OpaquePointer?
        guard json_object_object_get_ex(handle, key, &value) != 0, value != nil else { return nil }
        return JSONValue(handle: value, document: document, parentPath: path, step: .key(key))
    }

    func required(_ key: String) throws -> JSONValue {
        guard let value = self[key] else {
            throw TokenizerError(
                path: file, problem: path.isEmpty ? "missing \"\(key)\"" : "\(path): missing \"\(key)\"")
        }
        return value
    }

    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        try self[key]?.bool() ?? defaultValue
    }

    func string(_ key: String) throws -> String? {
        try self[key]?.string()
    }

    /// The entries in the file's order, their keys taken as data (`["token"]` in paths). A key written twice
    /// comes once, with its last value.
    func map<T>(_ transform: (_ key: String, _ value: JSONValue) throws -> T) rethrows -> [T] {
        var results: [T] = []
        results.reserveCapacity(Int(json_object_object_length(handle)))
        var entry = json_object_iter_begin(handle)
        var end = json_object_iter_end(handle)
        while json_object_iter_equal(&entry, &end) == 0 {
            let key = String(cString: json_object_iter_peek_name(&entry))
            let value = JSONValue(
                handle: json_object_iter_peek_value(&entry), document: document, parentPath: path, step: .entry(key))
            results.append(try transform(key, value))
            json_object_iter_next(&entry)
        }
        return results
    }
}

/// A JSON array whose elements are made as they are read.
struct JSONArray: RandomAccessCollection {
    let handle: OpaquePointer
    let document: JSONDocument
    let path: String
    let endIndex: Int

    init(handle: OpaquePointer, document: JSONDocument, path: String) {
        self.handle = handle
        self.document = document
        self.path = path
        endIndex = json_object_array_length(handle)
    }

    var startIndex: Int { 0 }

    subscript(index: Int) -> JSONValue {
        JSONValue(
            handle: json_object_array_get_idx(handle, index), document: document, parentPath: path,
            step: .index(index))
    }
}
