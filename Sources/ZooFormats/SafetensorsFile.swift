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
    /// Tensors of a dtype the zoo does not compute with (integer buffers such as BERT's `position_ids`), by name:
    /// checked and listed, so a converter can skip them, but never read.
    private let unreadable: [String: String]

    public var url: URL { table.url }
    /// The tensor names, sorted, of every dtype.
    public let names: [String]

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
        let located = try locateTensors(header.tensors, dataStart: dataStart, dataSize: bytes.count - dataStart, path: path)
        self.table = TensorTable(url: url, mapping: mapping, entries: located.entries)
        self.unreadable = located.unreadable
        self.names = (Array(located.entries.keys) + Array(located.unreadable.keys)).sorted()
        self.metadata = header.metadata
    }

    /// Shape and dtype of a float tensor; nil for an unreadable one (see `unreadableDType`).
    public func info(_ name: String) -> TensorInfo? { table.info(name) }

    /// The safetensors dtype of a tensor the zoo cannot read ("I64", ...), or nil.
    public func unreadableDType(_ name: String) -> String? { unreadable[name] }

    /// The tensor `name`: a read-only view into the mapping, or a copy when its data is misaligned.
    public func tensor(_ name: String) throws(FormatError) -> Tensor {
        if let dtype = unreadable[name] {
            throw FormatError(path: url.path, tensor: name, "unsupported dtype \(dtype): the zoo reads F32, F16 and BF16")
        }
        return try table.tensor(name)
    }
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

/// The element sizes of the safetensors dtypes the zoo does not compute with.
private let unreadableElementSizes = ["F64": 8, "I64": 8, "U64": 8, "I32": 4, "U32": 4, "I16": 2, "U16": 2,
                                      "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1]

/// Checks every entry against the data section: a known dtype, offsets inside it that match the shape, and no
/// two tensors sharing bytes. Float tensors become entries; the others are only listed.
private func locateTensors(_ tensors: [String: Header.Tensor], dataStart: Int, dataSize: Int, path: String)
    throws(FormatError) -> (entries: [String: TensorTable.Entry], unreadable: [String: String]) {
    var entries: [String: TensorTable.Entry] = [:]
    var unreadable: [String: String] = [:]
    var ranges: [(name: String, range: Range<Int>)] = []
    for (name, tensor) in tensors {
        guard tensor.shape.count <= ZooCheckpointLayout.maximumRank else {
            throw FormatError(path: path, tensor: name, "rank \(tensor.shape.count) is beyond the limit of "
                + "\(ZooCheckpointLayout.maximumRank) dimensions")
        }
        let dtype: DType?
        switch tensor.dtype {
        case "F32": dtype = .float32
        case "F16": dtype = .float16
        case "BF16": dtype = .bfloat16
        default:
            guard unreadableElementSizes[tensor.dtype] != nil else {
                throw FormatError(path: path, tensor: name, "unknown dtype \(tensor.dtype)")
            }
            dtype = nil
        }
        let byteCount: Int
        // A tensor the zoo cannot read is measured as bytes: its element count times its element size.
        let measured = dtype.map { checkedByteCount(shape: tensor.shape, dtype: $0) }
            ?? checkedByteCount(shape: tensor.shape + [unreadableElementSizes[tensor.dtype]!], dtype: .float32)
                .map { $0 / 4 }
        switch measured {
        case .success(let bytes): byteCount = bytes
        case .failure(let problem): throw FormatError(path: path, tensor: name, problem.description)
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
        if let dtype {
            entries[name] = TensorTable.Entry(info: TensorInfo(shape: tensor.shape, dtype: dtype), offset: dataStart + begin)
        } else {
            unreadable[name] = tensor.dtype
        }
        ranges.append((name, begin..<end))
    }
    try checkNoOverlap(ranges, path: path)
    return (entries, unreadable)
}
