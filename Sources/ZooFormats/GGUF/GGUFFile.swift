import Foundation
import ZooTensor

/// One tensor of a GGUF file as its header describes it.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// The logical shape in row-major (PyTorch) order: GGUF's dimensions reversed. A linear weight stored with
    /// GGUF dimensions [in, out] has shape [out, in]; blocks run along the last dimension.
    public let shape: [Int]
    public let type: GGUFTensorType
    /// Where the data starts in the file, and its size.
    public let offset: Int
    public let byteCount: Int
}

/// A GGUF file (llama.cpp's format, versions 2 and 3), validated and mapped once. The whole header is checked
/// when the file opens: every count and length against the bytes that remain, every tensor's data against the
/// file's end. Tensors of the types the zoo reads (F32, F16, BF16, Q8_0, Q4_0, Q4_1) are views into the mapping,
/// quantized blocks kept as they are; other types open but cannot be read.
public final class GGUFFile: Sendable {
    /// 2 or 3.
    public let version: Int
    public let metadata: GGUFMetadata
    /// The alignment of tensor data: `general.alignment`, 32 when absent.
    public let alignment: Int
    private let infos: [String: GGUFTensorInfo]
    /// The tensors of the types the zoo reads.
    private let table: TensorTable

    public var url: URL { table.url }
    /// The tensor names, sorted.
    public let names: [String]

    public init(contentsOf url: URL) throws(FormatError) {
        let mapping = try mapRegularFile(url)
        let bytes = UnsafeRawBufferPointer(start: mapping.base, count: mapping.byteCount)
        let header = try GGUFHeader(bytes, path: url.path)
        version = header.version
        metadata = GGUFMetadata(path: url.path, keys: header.metadataKeys, values: header.metadata)
        alignment = header.alignment
        infos = Dictionary(uniqueKeysWithValues: header.tensors.map { ($0.name, $0) })
        names = infos.keys.sorted()
        var entries: [String: TensorTable.Entry] = [:]
        for info in header.tensors {
            guard let dtype = info.type.dtype else { continue }
            entries[info.name] = TensorTable.Entry(info: TensorInfo(shape: info.shape, dtype: dtype),
                                                   offset: info.byteCount > 0 ? info.offset : 0)
        }
        table = TensorTable(url: url, mapping: mapping, entries: entries)
    }

    public func info(_ name: String) -> GGUFTensorInfo? { infos[name] }

    /// The tensor `name` in its own type: a float tensor for F32, F16 and BF16, the blocks as they are for Q8_0,
    /// Q4_0 and Q4_1. A view into the mapping, or a copy when the file's alignment leaves the data misaligned.
    public func tensor(_ name: String) throws(FormatError) -> Tensor {
        guard let info = infos[name] else { throw FormatError(path: url.path, tensor: name, "no such tensor") }
        guard info.type.dtype != nil else {
            throw FormatError(path: url.path, tensor: name, "GGUF type \(info.type.name) is not supported: "
                + "the zoo reads F32, F16, BF16, Q8_0, Q4_0 and Q4_1")
        }
        return try table.tensor(name)
    }

    /// The tensor `name` in float32, dequantized.
    public func dequantized(_ name: String) throws(FormatError) -> Tensor { try tensor(name).float32() }
}
