/// Reads a GGUF file's header front to back, little-endian, checking every read and every declared length against
/// the bytes that remain before using or allocating for it.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var position = 0
    /// Metadata values read so far, array elements included, against `GGUFHeader.maximumValueCount`.
    var valuesRead = 0

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - position }

    func error(_ problem: String) -> FormatError { FormatError(path: path, problem) }

    /// Refuses `count` items of at least `itemSize` bytes each when the rest of the file cannot hold them.
    func checkCount(_ count: UInt64, itemSize: Int, _ what: @autoclosure () -> String) throws(FormatError) {
        guard count <= UInt64(remaining / itemSize) else {
            throw error("\(what()) \(count) is larger than the file: at least \(itemSize) bytes each, "
                + "\(remaining) bytes remain at offset \(position)")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(FormatError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else {
            throw error("truncated: \(what()) at offset \(position) needs \(size) bytes, \(remaining) remain")
        }
        defer { position += size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    /// A GGUF string: a uint64 byte length, then that many bytes of UTF-8.
    mutating func readString(_ what: @autoclosure () -> String) throws(FormatError) -> String {
        let length = try read(UInt64.self, "length of \(what())")
        guard length <= UInt64(remaining) else {
            throw error("\(what()): string length \(length) is larger than the file: \(remaining) bytes remain "
                + "at offset \(position)")
        }
        guard length <= UInt64(GGUFHeader.maximumStringLength) else {
            throw error("\(what()): string length \(length) is beyond the limit of \(GGUFHeader.maximumStringLength) bytes")
        }
        let start = position
        position += Int(length)
        guard let string = String(validating: bytes[start..<position], as: UTF8.self) else {
            throw error("\(what()) at offset \(start) is not valid UTF-8")
        }
        return string
    }
}
