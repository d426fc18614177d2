/// The header of a GGUF file, parsed and checked: the version, the metadata, the alignment, and each tensor's name,
/// logical shape, type and data range within the file.
///
/// Layout (all little-endian): the magic "GGUF"; a uint32 version; uint64 tensor and metadata counts; the metadata
/// (per key: a string, a uint32 value type, the value); the tensor infos (per tensor: a string name, a uint32
/// dimension count, that many uint64 dimensions fastest-varying first, a uint32 GGML type, a uint64 data offset
/// relative to the data section); padding to the alignment; the data section. A string is a uint64 byte length and
/// that many bytes of UTF-8; an array is a uint32 element type, a uint64 count and the elements.
struct GGUFHeader {
    static let magic: [UInt8] = Array("GGUF".utf8)
    static let versions: ClosedRange<UInt32> = 2...3
    static let alignmentKey = "general.alignment"
    static let defaultAlignment = 32
    /// GGML_MAX_DIMS.
    static let maximumDimensions: UInt32 = 4
    /// Arrays of arrays deeper than this are refused: nothing needs them, and recursion must stay bounded.
    static let maximumNesting = 8
    /// Caps that hold whatever the file's size, so that a hostile header cannot make the reader allocate
    /// gigabytes: counts bounded only by the bytes that remain would allow a billion values in a large file. The
    /// largest published vocabularies have a few hundred thousand tokens and merges.
    public static let maximumMetadataCount = 1 << 16
    public static let maximumTensorCount = 1 << 20
    public static let maximumStringLength = 1 << 24
    public static let maximumArrayLength = 1 << 24
    /// All metadata values together, array elements included.
    public static let maximumValueCount = 1 << 23

    var version = 0
    var metadataKeys: [String] = []
    var metadata: [String: GGUFValue] = [:]
    var alignment = defaultAlignment
    /// In file order.
    var tensors: [GGUFTensorInfo] = []

    init(_ bytes: UnsafeRawBufferPointer, path: String) throws(FormatError) {
        var cursor = GGUFCursor(bytes, path: path)
        guard !bytes.isEmpty else { throw cursor.error("empty file") }
        guard bytes.starts(with: Self.magic.prefix(bytes.count)) else {
            throw cursor.error("not a GGUF file (no \"GGUF\" magic at offset 0)")
        }
        _ = try cursor.read(UInt32.self, "the magic")
        let version = try cursor.read(UInt32.self, "the version")
        guard Self.versions.contains(version) else { throw cursor.error(Self.versionProblem(version)) }
        self.version = Int(version)
        let tensorCount = try cursor.read(UInt64.self, "the tensor count")
        let metadataCount = try cursor.read(UInt64.self, "the metadata count")

        // A key/value takes at least a key length, a value type and one byte of value.
        try cursor.checkCount(metadataCount, itemSize: 13, "metadata count")
        guard metadataCount <= UInt64(Self.maximumMetadataCount) else {
            throw cursor.error("metadata count \(metadataCount) is beyond the limit of \(Self.maximumMetadataCount) keys")
        }
        for index in 0..<Int(metadataCount) {
            let key = try cursor.readString("metadata key \(index)")
            guard metadata[key] == nil else { throw cursor.error("metadata key \(key) appears twice") }
            let type = try Self.readType(&cursor, key)
            metadata[key] = try Self.readValue(&cursor, type, key: key, depth: 0)
            metadataKeys.append(key)
        }
        alignment = try Self.alignment(metadata, cursor)

        // A tensor info takes at least a name length, a dimension count, a type and an offset.
        try cursor.checkCount(tensorCount, itemSize: 24, "tensor count")
        guard tensorCount <= UInt64(Self.maximumTensorCount) else {
            throw cursor.error("tensor count \(tensorCount) is beyond the limit of \(Self.maximumTensorCount) tensors")
        }
        var infos: [(name: String, dimensions: [UInt64], type: GGUFTensorType, offset: UInt64)] = []
        for index in 0..<Int(tensorCount) {
            let name = try cursor.readString("the name of tensor \(index)")
            let rank = try cursor.read(UInt32.self, "the dimension count of tensor \(name)")
            guard rank <= Self.maximumDimensions else {
                throw FormatError(path: path, tensor: name,
                                  "has \(rank) dimensions; GGUF allows at most \(Self.maximumDimensions)")
            }
            var dimensions: [UInt64] = []
            for _ in 0..<rank { dimensions.append(try cursor.read(UInt64.self, "a dimension of tensor \(name)")) }
            let type = GGUFTensorType(rawValue: try cursor.read(UInt32.self, "the type of tensor \(name)"))
            let offset = try cursor.read(UInt64.self, "the data offset of tensor \(name)")
            infos.append((name, dimensions, type, offset))
        }

        guard let dataStart = Self.roundUp(cursor.position, to: alignment) else {
            throw cursor.error("the data section cannot start at a multiple of the alignment \(alignment)")
        }
        var seen: Set<String> = []
        for (name, dimensions, type, offset) in infos {
            guard seen.insert(name).inserted else { throw FormatError(path: path, tensor: name, "appears twice") }
            tensors.append(try Self.locate(name, dimensions, type, offset, dataStart: dataStart, alignment: alignment,
                                           fileSize: bytes.count, path: path))
        }
        try checkNoOverlap(tensors.map { ($0.name, $0.offset..<($0.offset + $0.byteCount)) }, path: path)
    }

    private static func versionProblem(_ version: UInt32) -> String {
        if version == 1 { return "GGUF version 1 is not supported: the zoo reads versions 2 and 3" }
        // A big-endian file's small version reads with its bytes swapped.
        let swapped = version.byteSwapped
        let hint = versions.contains(swapped) ? " (version \(swapped) of a big-endian file?)" : ""
        return "unknown GGUF version \(version)\(hint): the zoo reads versions 2 and 3"
    }

    private static func readType(_ cursor: inout GGUFCursor, _ key: String) throws(FormatError) -> GGUFValueType {
        let raw = try cursor.read(UInt32.self, "the value type of metadata key \(key)")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw cursor.error("metadata key \(key) has unknown value type \(raw)")
        }
        return type
    }

    private static func readValue(_ cursor: inout GGUFCursor, _ type: GGUFValueType, key: String,
                                  depth: Int) throws(FormatError) -> GGUFValue {
        func what() -> String { "the value of metadata key \(key)" }  // built only for an error message
        cursor.valuesRead += 1
        guard cursor.valuesRead <= maximumValueCount else {
            throw cursor.error("metadata key \(key): more than \(maximumValueCount) metadata values in all, the limit")
        }
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, what()))
        case .int8: return .int8(try cursor.read(Int8.self, what()))
        case .uint16: return .uint16(try cursor.read(UInt16.self, what()))
        case .int16: return .int16(try cursor.read(Int16.self, what()))
        case .uint32: return .uint32(try cursor.read(UInt32.self, what()))
        case .int32: return .int32(try cursor.read(Int32.self, what()))
        case .uint64: return .uint64(try cursor.read(UInt64.self, what()))
        case .int64: return .int64(try cursor.read(Int64.self, what()))
        case .float32: return .float32(Float(bitPattern: try cursor.read(UInt32.self, what())))
        case .float64: return .float64(Double(bitPattern: try cursor.read(UInt64.self, what())))
        case .string: return .string(try cursor.readString(what()))
        case .bool:
            let byte = try cursor.read(UInt8.self, what())
            guard byte <= 1 else { throw cursor.error("metadata key \(key): bool value \(byte) is neither 0 nor 1") }
            return .bool(byte == 1)
        case .array:
            guard depth < maximumNesting else {
                throw cursor.error("metadata key \(key): arrays nested deeper than \(maximumNesting)")
            }
            let elementType = try readType(&cursor, key)
            let count = try cursor.read(UInt64.self, "the array count of metadata key \(key)")
            try cursor.checkCount(count, itemSize: elementType.minimumSize, "metadata key \(key): array count")
            guard count <= UInt64(maximumArrayLength) else {
                throw cursor.error("metadata key \(key): array count \(count) is beyond the limit of \(maximumArrayLength)")
            }
            var elements: [GGUFValue] = []
            elements.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                elements.append(try readValue(&cursor, elementType, key: key, depth: depth + 1))
            }
            return .array(elementType, elements)
        }
    }

    /// `general.alignment`: a power of two, 32 when absent.
    private static func alignment(_ metadata: [String: GGUFValue], _ cursor: GGUFCursor) throws(FormatError) -> Int {
        guard let value = metadata[alignmentKey] else { return defaultAlignment }
        guard let alignment = value.integer, alignment > 0, alignment & (alignment - 1) == 0 else {
            throw cursor.error("\(alignmentKey) must be a power of two, not \(value)")
        }
        return alignment
    }

    private static func roundUp(_ value: Int, to alignment: Int) -> Int? {
        let (sum, overflow) = value.addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum / alignment * alignment
    }

    /// The tensor's logical shape, byte size and file offset, checked against its type, the alignment and the file.
    private static func locate(_ name: String, _ dimensions: [UInt64], _ type: GGUFTensorType, _ offset: UInt64,
                               dataStart: Int, alignment: Int, fileSize: Int,
                               path: String) throws(FormatError) -> GGUFTensorInfo {
        func error(_ problem: String) -> FormatError { FormatError(path: path, tensor: name, problem) }
        guard let layout = type.blockLayout else { throw error("has unknown GGUF tensor type \(type.rawValue)") }
        var count = 1
        for dimension in dimensions {
            guard let dimension = Int(exactly: dimension) else { throw error("dimensions \(dimensions) overflow") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw error("dimensions \(dimensions) overflow") }
            count = product
        }
        // GGUF lists dimensions fastest-varying first: row-major order is the reverse.
        let shape = dimensions.reversed().map { Int($0) }
        // A scalar is one row of one element.
        let rowLength = dimensions.first.map { Int($0) } ?? 1
        guard rowLength % layout.elements == 0 else {
            throw error("rows of \(rowLength) elements are not whole \(type.name) blocks of \(layout.elements)")
        }
        let (byteCount, overflow) = (count / layout.elements).multipliedReportingOverflow(by: layout.bytes)
        guard !overflow else { throw error("dimensions \(dimensions) overflow") }
        guard offset % UInt64(alignment) == 0 else {
            throw error("data offset \(offset) is not a multiple of the alignment \(alignment)")
        }
        let available = UInt64(max(0, fileSize - dataStart))
        guard offset <= available, UInt64(byteCount) <= available - offset else {
            throw error("data at offset \(offset) of the data section needs \(byteCount) bytes; the data section "
                + "holds \(available)")
        }
        return GGUFTensorInfo(name: name, shape: shape, type: type, offset: dataStart + Int(offset),
                              byteCount: byteCount)
    }
}
