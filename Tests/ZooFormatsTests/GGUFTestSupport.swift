import Foundation
import ZooTensor
@testable import ZooFormats

/// A GGUF fixture of Fixtures/gguf/ (written by Tools/make_gguf_fixtures.py) and its expected tensors.
struct GGUFFixture {
    struct Expected: Decodable {
        let name: String
        let type: String
        let shape: [Int]
        /// As the gguf package dequantizes them.
        let values: [Double]
        /// For quantized tensors, the float32 values the gguf package quantized.
        let source: [Double]?
    }

    let url: URL
    let tensors: [Expected]

    init(_ name: String) throws {
        url = fixture("gguf/\(name).gguf")
        let json = try Data(contentsOf: fixture("gguf/\(name).expected.json"))
        tensors = try JSONDecoder().decode([String: [Expected]].self, from: json)["tensors"]!
    }
}

/// Little-endian bytes of a GGUF file, written piece by piece, for files the gguf package would not write.
struct GGUFBytes {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func string(_ value: String) {
        u64(UInt64(value.utf8.count))
        bytes += value.utf8
    }

    /// The header up to the counts.
    mutating func header(version: UInt32 = 3, tensors: UInt64, metadata: UInt64) {
        bytes += Array("GGUF".utf8)
        u32(version)
        u64(tensors)
        u64(metadata)
    }

    mutating func tensorInfo(_ name: String, dimensions: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dimensions.count))
        for dimension in dimensions { u64(dimension) }
        u32(type)
        u64(offset)
    }

    /// Zeros up to the next multiple of `alignment`, then `count` data bytes.
    mutating func data(_ count: Int, alignment: Int = 32) {
        while bytes.count % alignment != 0 { bytes.append(0) }
        bytes += (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    }

    /// A file with the given metadata (written by `metadata`), one F32 tensor "t" of `dimensions` (GGUF order) at
    /// `offset`, and `dataBytes` of data.
    static func file(version: UInt32 = 3, metadataCount: UInt64 = 0, metadata: (inout GGUFBytes) -> Void = { _ in },
                     dimensions: [UInt64] = [4], type: UInt32 = 0, offset: UInt64 = 0, dataBytes: Int = 16,
                     alignment: Int = 32) -> [UInt8] {
        var file = GGUFBytes()
        file.header(version: version, tensors: 1, metadata: metadataCount)
        metadata(&file)
        file.tensorInfo("t", dimensions: dimensions, type: type, offset: offset)
        file.data(dataBytes, alignment: alignment)
        return file.bytes
    }
}

/// Opens `bytes` written to a temporary file; the error, when opening fails, must name that file.
func openGGUF(_ bytes: [UInt8], in directory: URL, name: String = "test.gguf") throws -> GGUFFile {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return try GGUFFile(contentsOf: url)
}
