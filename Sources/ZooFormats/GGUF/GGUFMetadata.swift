/// The metadata key/values of a GGUF file. Subscripting gives a value or nil; the typed accessors throw a
/// FormatError naming the file and the key when the key is missing or its value has another type.
public struct GGUFMetadata: Sendable {
    /// The path of the file, for error messages.
    public let path: String
    /// The keys in file order.
    public let keys: [String]
    public let values: [String: GGUFValue]

    init(path: String, keys: [String], values: [String: GGUFValue]) {
        self.path = path
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> GGUFValue? { values[key] }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value of `key` as `expected` describes it, or an error naming the key.
    private func typed<T>(_ key: String, _ expected: String, _ get: (GGUFValue) -> T?) throws(FormatError) -> T {
        guard let value = values[key] else { throw FormatError(path: path, "missing metadata key \(key)") }
        guard let typed = get(value) else {
            throw FormatError(path: path, "metadata key \(key) is \(value.typeDescription), expected \(expected)")
        }
        return typed
    }

    public func string(_ key: String) throws(FormatError) -> String { try typed(key, "a string", \.string) }
    /// Any integer type whose value fits in Int.
    public func integer(_ key: String) throws(FormatError) -> Int { try typed(key, "an integer", \.integer) }
    /// float32 or float64.
    public func float(_ key: String) throws(FormatError) -> Double { try typed(key, "a float", \.float) }
    public func bool(_ key: String) throws(FormatError) -> Bool { try typed(key, "a bool", \.bool) }
    public func strings(_ key: String) throws(FormatError) -> [String] {
        try typed(key, "an array of strings", \.strings)
    }
    public func integers(_ key: String) throws(FormatError) -> [Int] {
        try typed(key, "an array of integers", \.integers)
    }
    public func floats(_ key: String) throws(FormatError) -> [Float] { try typed(key, "an array of floats", \.floats) }
}
