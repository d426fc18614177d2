import Foundation
import ZooTensor

/// Writes a safetensors file as Hugging Face's library does: an 8-byte little-endian header length, the JSON header
/// (tensors by name with dtype, shape and data offsets, and `__metadata__`) padded with spaces to a multiple of 8,
/// then each tensor's bytes in name order, back to back.
public enum SafetensorsWriter {
    /// The float dtypes safetensors names.
    static func name(of dtype: DType) -> String? {
        switch dtype {
        case .float32: "F32"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .q8_0, .q4_0, .q4_1: nil
        }
    }

    /// Writes `tensors` (float dtypes only) to `url`, replacing it.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = ["format": "pt"],
                             to url: URL) throws(FormatError) {
        let path = url.path
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            guard let dtype = Self.name(of: tensor.dtype) else {
                throw FormatError(path: path, tensor: name, "safetensors has no \(tensor.dtype.rawValue) type")
            }
            header[name] = ["dtype": dtype, "shape": tensor.shape, "data_offsets": [offset, offset + tensor.byteCount]]
            offset += tensor.byteCount
        }
        var json: Data
        do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]) }
        catch { throw FormatError(path: path, "cannot encode the header: \(error.localizedDescription)") }
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))

        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw FormatError(path: path, "cannot create the file")
        }
        do {
            var length = UInt64(json.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: json)
            for name in names {
                let tensor = tensors[name]!
                try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: tensor.rawPointer),
                                                  count: tensor.byteCount, deallocator: .none))
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw FormatError(path: path, "cannot write: \(error.localizedDescription)")
        }
    }
}
