import Foundation

/// A value parsed by Foundation's `JSONSerialization`, with the file and key path it came from, so that a value
/// of the wrong type is reported as "tokenizer.json: model.vocab: expected an object, found an array".
///
/// Caveat: `JSONSerialization` keys objects by `String`, which merges keys that are canonically equivalent
/// ("é" and "e\u{301}"). Byte-level vocabularies cannot have such pairs; other vocabularies could.
struct JSONValue {
    /// How a value is reached from its container; the path text is only made for error messages.
    enum Step {
        case root
        case key(String)
        /// A key that is data, such as a token: written `["token"]`.
        case entry(String)
        case index(Int)
    }

    let value: Any
    let file: String
    private let parentPath: String
    private let step: Step

    init(value: Any, file: String, parentPath: String = "", step: Step = .root) {
        self.value = value
        self.file = file
        self.parentPath = parentPath
        self.step = step
    }

    /// The key path, such as "model.merges[3]".
    var path: String {
        switch step {
        case .root: return parentPath
        case .key(let key): return parentPath.isEmpty ? key : "\(parentPath).\(key)"
        case .entry(let key): return "\(parentPath)[\(key.debugDescription)]"
        case .index(let index): return "\(parentPath)[\(index)]"
        }
    }

    static func parse(_ data: Data, file: String) throws -> JSONValue {
        do {
            let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return JSONValue(value: value, file: file)
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw TokenizerError(path: file, problem: "not valid JSON: \(reason)")
        }
    }

    func error(_ problem: String) -> TokenizerError {
        TokenizerError(path: file, problem: path.isEmpty ? problem : "\(path): \(problem)")
    }

    /// Tested on the type: `value is NSNull` would first turn a large dictionary or array into its Objective-C
    /// counterpart, entry by entry.
    static func isNull(_ value: Any) -> Bool {
        type(of: value) == NSNull.self
    }

    func object() throws -> JSONObject {
        guard let fields = value as? [String: Any] else { throw mismatch("an object") }
        return JSONObject(fields: fields, file: file, path: path)
    }

    func array() throws -> [JSONValue] {
        guard let elements = value as? [Any] else { throw mismatch("an array") }
        let path = path
        return elements.enumerated().map { JSONValue(value: $1, file: file, parentPath: path, step: .index($0)) }
    }

    func string() throws -> String {
        guard let string = value as? String else { throw mismatch("a string") }
        return string
    }

    func bool() throws -> Bool {
        guard let number = value as? NSNumber, Self.isBoolean(number) else { throw mismatch("true or false") }
        return number.boolValue
    }

    func number() throws -> Double {
        guard let number = value as? NSNumber, !Self.isBoolean(number) else { throw mismatch("a number") }
        return number.doubleValue
    }

    /// An integer written without fraction or exponent, within `Int`.
    func integer() throws -> Int {
        guard let integer = Self.integer(value) else { throw mismatch("an integer") }
        return integer
    }

    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(number), !(number is NSDecimalNumber),
            "ilqs".utf8.contains(UInt8(bitPattern: number.objCType.pointee))
        else { return nil }
        return number.intValue
    }

    private func mismatch(_ expected: String) -> TokenizerError {
        error("expected \(expected), found \(kind)")
    }

    private var kind: String {
        switch value {
        case _ where Self.isNull(value): return "null"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case let number as NSNumber: return Self.isBoolean(number) ? "a boolean" : "the number \(number)"
        default: return "\(type(of: value))"
        }
    }

    /// Booleans come back as NSNumbers of a class of their own.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        type(of: number) == type(of: NSNumber(value: true))
    }
}

/// A JSON object with the file and key path it came from.
struct JSONObject {
    let fields: [String: Any]
    let file: String
    let path: String

    /// The value at `key`, or nil when it is missing or null.
    subscript(key: String) -> JSONValue? {
        guard let value = fields[key], !JSONValue.isNull(value) else { return nil }
        return JSONValue(value: value, file: file, parentPath: path, step: .key(key))
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
}
