import Foundation
import ZooTensor

/// A safetensors file (the Hugging Face format converters import from), validated and mapped once. Tensors are
/// views into the mapping, except a tensor whose data is not aligned to its element size, which is copied.
public final class SafetensorsFile: Sendable {
    /// Headers longer than this are refused before reading them.
    public static let maximumHeaderSize = 100_000_000

    /// The header's `__metadata__` (empty when absent).
    public let metadata: [String: String]
    private let table: TensorTable

    public var url: URL { table.url }
    /// The tensor names, sorted.
    public var names: [String] { table.names }

    public init(contentsOf url: URL) throws(FormatError) {
        let path = url.path
        let mapping = try mapRegularFile(url)
        let bytes = UnsafeRawBufferPointer(start: mapping.base, count: mapping.byteCount)
        guard bytes.count >= 8 else {
            throw FormatError(path: path, "truncated: \(bytes.count) bytes cannot hold the 8-byte header length")
        }
        let headerLength = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(Self.maximumHeaderSize) else {
            throw FormatError(path: path,
                              "header length \(headerLength) exceeds the limit of \(Self.maximumHeaderSize) bytes")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw FormatError(path: path,
                              "truncated: header length \(headerLength) exceeds the \(bytes.count - 8) bytes after it")
        }
        let dataStart = 8 + Int(headerLength)
        let header = try decodeHeader(Data(bytes[8..<dataStart]), path: path)
        let entries = try locateTensors(header.tensors, dataStart: dataStart, dataSize: bytes.count - dataStart, path: path)
        self.table = TensorTable(url: url, mapping: mapping, entries: entries)
        self.metadata = header.metadata
    }

    public func info(_ name: String) -> TensorInfo? { table.info(name) }

    /// The tensor `name`: a read-only view into the mapping, or a copy when its data is misaligned.
    public func tensor(_ name: String) throws(FormatError) -> Tensor { try table.tensor(name) }
}

/// The header as written: the tensor entries, not yet checked against the data, and the metadata.
private struct Header: Decodable {
    struct Tensor: Decodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                guard let metadata = try? container.decode([String: String].self, forKey: key) else {
                    throw Problem(tensor: nil, message: "__metadata__ must map strings to strings")
                }
                self.metadata = metadata
            } else {
                guard let tensor = try? container.decode(Tensor.self, forKey: key) else {
                    throw Problem(tensor: key.stringValue,
                                  message: "entry must hold dtype (string), shape and data_offsets (integer arrays)")
                }
                tensors[key.stringValue] = tensor
            }
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    struct Problem: Error {
        let tensor: String?
        let message: String
    }
}

private func decodeHeader(_ data: Data, path: String) throws(FormatError) -> Header {
    do {
        return try JSONDecoder().decode(Header.self, from: data)
    } catch let problem as Header.Problem {
        throw FormatError(path: path, tensor: problem.tensor, "header: \(problem.message)")
    } catch DecodingError.typeMismatch {
        throw FormatError(path: path, "header is not a JSON object")
    } catch {
        throw FormatError(path: path, "header is not valid JSON")
    }
}

/// Checks every entry against the data section: a supported dtype, offsets inside it that match the shape, and no
/// two tensors sharing bytes.
private func locateTensors(_ tensors: [String: Header.Tensor], dataStart: Int, dataSize: Int,
                           path: String) throws(FormatError) -> [String: TensorTable.Entry] {
    var entries: [String: TensorTable.Entry] = [:]
    var ranges: [(name: String, range: Range<Int>)] = []
    for (name, tensor) in tensors {
        let dtype: DType
        switch tensor.dtype {
        case "F32": dtype = .float32
        case "F16": dtype = .float16
        case "BF16": dtype = .bfloat16
        default:
            throw FormatError(path: path, tensor: name, "unsupported dtype \(tensor.dtype): the zoo reads F32, F16 and BF16")
        }
        guard let (_, byteCount) = checkedByteCount(shape: tensor.shape, dtype: dtype) else {
            throw FormatError(path: path, tensor: name, "invalid shape \(tensor.shape)")
        }
        guard tensor.dataOffsets.count == 2 else {
            throw FormatError(path: path, tensor: name, "data_offsets must hold two integers")
        }
        let begin = tensor.dataOffsets[0], end = tensor.dataOffsets[1]
        guard 0 <= begin, begin <= end, end <= dataSize else {
            throw FormatError(path: path, tensor: name,
                              "data_offsets [\(begin), \(end)] lie outside the \(dataSize)-byte data section")
        }
        guard end - begin == byteCount else {
            throw FormatError(path: path, tensor: name,
                              "data_offsets span \(end - begin) bytes, "
                                  + "shape \(tensor.shape) in \(tensor.dtype) needs \(byteCount)")
        }
        entries[name] = TensorTable.Entry(info: TensorInfo(shape: tensor.shape, dtype: dtype), offset: dataStart + begin)
        if begin < end { ranges.append((name, begin..<end)) }
    }
    // In order of start, a range overlaps an earlier one exactly when it starts before the furthest end so far.
    ranges.sort { ($0.range.lowerBound, $0.name) < ($1.range.lowerBound, $1.name) }
    var furthest: (name: String, end: Int)?
    for (name, range) in ranges {
        if let furthest, range.lowerBound < furthest.end {
            throw FormatError(path: path, tensor: name, "data overlaps tensor \(furthest.name.debugDescription)")
        }
        if range.upperBound > furthest?.end ?? 0 { furthest = (name, range.upperBound) }
    }
    return entries
}
