/// The type of a GGUF metadata value, by its number in the file.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7, string = 8
    case array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// The fewest bytes a value of this type takes in the file: its size, or a string's or array's header.
    var minimumSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }
}

/// A GGUF metadata value. The accessors give the value as a Swift type when it has that kind, nil otherwise.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double)
    case bool(Bool)
    case string(String)
    /// The elements, all of the given type (which an empty array also declares).
    case array(GGUFValueType, [GGUFValue])

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// Any of the eight integer types, when its value fits in an Int.
    public var integer: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// float32 or float64.
    public var float: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let v) = self { v } else { nil }
    }

    public var string: String? {
        if case .string(let v) = self { v } else { nil }
    }

    public var array: [GGUFValue]? {
        if case .array(_, let elements) = self { elements } else { nil }
    }

    /// An array of strings.
    public var strings: [String]? { typedElements(\.string) }
    /// An array of integers (of any integer type that fits in Int).
    public var integers: [Int]? { typedElements(\.integer) }
    /// An array of float32 or float64 values, as Float.
    public var floats: [Float]? { typedElements { $0.float.map(Float.init) } }

    private func typedElements<T>(_ element: (GGUFValue) -> T?) -> [T]? {
        guard case .array(_, let elements) = self else { return nil }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for value in elements {
            guard let converted = element(value) else { return nil }
            result.append(converted)
        }
        return result
    }

    /// A short description for error messages: the type, and for arrays the element type and count.
    var typeDescription: String {
        if case .array(let elementType, let elements) = self { return "array of \(elements.count) \(elementType)" }
        return "\(type)"
    }
}
