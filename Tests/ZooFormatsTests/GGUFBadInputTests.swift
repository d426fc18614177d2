import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// Damaged and hostile GGUF files: each is a FormatError naming the file (and the tensor or key) and the problem —
/// never a crash, a hang or a huge allocation.
@Suite struct GGUFBadInputTests {
    /// Expects opening `bytes` to fail with a message that names the file and contains `problem`.
    func expectRefused(_ bytes: [UInt8], _ problem: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("bad.gguf")
            try Data(bytes).write(to: url)
            let error = #expect(throws: FormatError.self, sourceLocation: sourceLocation) { try GGUFFile(contentsOf: url) }
            let description = error?.description ?? ""
            #expect(description.hasPrefix(url.path + ": ") && description.contains(problem), "\(description)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func theBuilderWritesAValidFile() throws {
        try withTemporaryDirectory { directory in
            let file = try openGGUF(GGUFBytes.file(dimensions: [2, 2]), in: directory)
            #expect(file.info("t")?.shape == [2, 2] && file.info("t")?.offset == 96)
            #expect(try file.tensor("t").toArray().count == 4)
        }
    }

    /// Every prefix of a valid file is refused, except those that only lose the padding after the last tensor.
    @Test func everyTruncationIsRefused() throws {
        let url = try GGUFFixture("all_types").url
        let bytes = try Data(contentsOf: url)
        let original = try GGUFFile(contentsOf: url)
        let dataEnd = original.names.map { original.info($0)! }.map { $0.offset + $0.byteCount }.max()!
        try withTemporaryDirectory { directory in
            let cut = directory.appendingPathComponent("cut.gguf")
            for length in 0..<bytes.count {
                try bytes.prefix(length).write(to: cut)
                do {
                    let file = try GGUFFile(contentsOf: cut)
                    #expect(length >= dataEnd && file.names == original.names, "length \(length) accepted")
                } catch let error as FormatError {
                    #expect(length < dataEnd, "length \(length): \(error)")
                    #expect(error.description.hasPrefix(cut.path + ": "))
                }
            }
        }
    }

    /// Any byte of the header changed: an error, or a file that opens (a changed value, a name, a offset within
    /// bounds) — never a crash.
    @Test func everyCorruptionOfTheHeaderIsSafe() throws {
        let url = try GGUFFixture("all_types").url
        let bytes = try Data(contentsOf: url)
        let original = try GGUFFile(contentsOf: url)
        let headerEnd = original.names.map { original.info($0)!.offset }.min()!
        try withTemporaryDirectory { directory in
            let corrupt = directory.appendingPathComponent("corrupt.gguf")
            for position in 0..<headerEnd {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var changed = bytes
                    changed[position] ^= flip
                    try changed.write(to: corrupt)
                    if let file = try? GGUFFile(contentsOf: corrupt) {
                        for name in file.names where file.info(name)!.type.dtype != nil {
                            _ = try file.dequantized(name)
                        }
                    }
                }
            }
        }
    }

    @Test func emptyMissingAndFolderAreRefused() throws {
        try expectRefused([], "empty file")
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("absent.gguf")
            let error = #expect(throws: FormatError.self) { try GGUFFile(contentsOf: missing) }
            #expect(error?.description == "\(missing.path): No such file or directory")
            let folder = #expect(throws: FormatError.self) { try GGUFFile(contentsOf: directory) }
            #expect(folder?.description == "\(directory.path): not a regular file")
        }
    }

    @Test func wrongMagicIsRefused() throws {
        var bytes = GGUFBytes.file()
        bytes[3] = UInt8(ascii: "G")
        try expectRefused(bytes, "not a GGUF file (no \"GGUF\" magic at offset 0)")
        try expectRefused(Array("PK\u{3}\u{4}".utf8), "not a GGUF file")
        try expectRefused(Array("GGU".utf8), "truncated: the magic at offset 0 needs 4 bytes, 3 remain")
    }

    @Test func versionsOtherThan2And3AreRefusedByNumber() throws {
        try expectRefused(GGUFBytes.file(version: 1), "GGUF version 1 is not supported: the zoo reads versions 2 and 3")
        try expectRefused(GGUFBytes.file(version: 4), "unknown GGUF version 4: the zoo reads versions 2 and 3")
        try expectRefused(GGUFBytes.file(version: 0), "unknown GGUF version 0")
        try expectRefused(GGUFBytes.file(version: 0x0300_0000),
                          "unknown GGUF version 50331648 (version 3 of a big-endian file?)")
    }

    @Test func countsLargerThanTheFileAreRefusedBeforeAllocating() throws {
        try expectRefused(GGUFBytes.file(metadataCount: 1_000_000), "metadata count 1000000 is larger than the file")
        try expectRefused(GGUFBytes.file(metadataCount: .max),
                          "metadata count 18446744073709551615 is larger than the file")
        var tensors = GGUFBytes()
        tensors.header(tensors: UInt64.max / 2, metadata: 0)
        try expectRefused(tensors.bytes, "tensor count 9223372036854775807 is larger than the file")
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("tokens")
            file.u32(9)  // array
            file.u32(8)  // of strings
            file.u64(1 << 40)
        }, "metadata key tokens: array count 1099511627776 is larger than the file")
    }

    @Test func stringLengthsLargerThanTheFileAreRefused() throws {
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in file.u64(.max) },
                          "metadata key 0: string length 18446744073709551615 is larger than the file")
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("general.name")
            file.u32(8)
            file.u64(4096)
        }, "the value of metadata key general.name: string length 4096 is larger than the file")
        var name = GGUFBytes()
        name.header(tensors: 1, metadata: 0)
        name.u64(1 << 62)
        name.bytes += [UInt8](repeating: 0, count: 24)
        try expectRefused(name.bytes, "the name of tensor 0: string length 4611686018427387904 is larger than the file")
    }

    @Test func malformedMetadataIsRefused() throws {
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("general.name")
            file.u32(13)
        }, "metadata key general.name has unknown value type 13")
        try expectRefused(GGUFBytes.file(metadataCount: 2) { file in
            for _ in 0..<2 {
                file.string("general.name")
                file.u32(8)
                file.string("x")
            }
        }, "metadata key general.name appears twice")
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("flag")
            file.u32(7)
            file.u8(2)
        }, "metadata key flag: bool value 2 is neither 0 nor 1")
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("bad")
            file.u32(8)
            file.u64(2)
            file.bytes += [0xC3, 0x28]
        }, "the value of metadata key bad at offset 47 is not valid UTF-8")
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("deep")
            file.u32(9)
            for _ in 0..<20 {  // an array of one array of one array ...
                file.u32(9)
                file.u64(1)
            }
        }, "metadata key deep: arrays nested deeper than 8")
    }

    @Test func anAlignmentThatIsNotAPowerOfTwoIsRefused() throws {
        for value: UInt32 in [0, 3, 48] {
            try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
                file.string("general.alignment")
                file.u32(4)
                file.u32(value)
            }, "general.alignment must be a power of two, not uint32(\(value))")
        }
        try expectRefused(GGUFBytes.file(metadataCount: 1) { file in
            file.string("general.alignment")
            file.u32(8)
            file.string("32")
        }, "general.alignment must be a power of two")
    }

    @Test func aTensorPastTheEndOfTheFileIsRefused() throws {
        try expectRefused(GGUFBytes.file(dimensions: [5], dataBytes: 16),
                          #"tensor "t": data at offset 0 of the data section needs 20 bytes; the data section holds 16"#)
        try expectRefused(GGUFBytes.file(offset: 32, dataBytes: 16), "data at offset 32 of the data section needs 16 bytes")
        try expectRefused(GGUFBytes.file(offset: UInt64.max - 31, dataBytes: 16), "data at offset 18446744073709551584")
        // The header ends at the file's end: the data section is empty, or would start past the end.
        var file = GGUFBytes()
        file.header(tensors: 1, metadata: 0)
        file.tensorInfo("t", dimensions: [1], type: 0, offset: 0)
        try expectRefused(file.bytes, "the data section holds 0")
    }

    @Test func misalignedAndOverlappingDataIsRefused() throws {
        try expectRefused(GGUFBytes.file(offset: 4, dataBytes: 64),
                          #"tensor "t": data offset 4 is not a multiple of the alignment 32"#)
        var file = GGUFBytes()
        file.header(tensors: 2, metadata: 0)
        file.tensorInfo("a", dimensions: [16], type: 0, offset: 0)
        file.tensorInfo("b", dimensions: [8], type: 0, offset: 32)
        file.data(64)
        try expectRefused(file.bytes, #"tensor "b": data overlaps tensor "a""#)
        var twice = GGUFBytes()
        twice.header(tensors: 2, metadata: 0)
        twice.tensorInfo("a", dimensions: [4], type: 0, offset: 0)
        twice.tensorInfo("a", dimensions: [4], type: 0, offset: 32)
        twice.data(64)
        try expectRefused(twice.bytes, #"tensor "a": appears twice"#)
    }

    @Test func overflowingOrTooManyDimensionsAreRefused() throws {
        try expectRefused(GGUFBytes.file(dimensions: [1 << 62, 8]),
                          #"tensor "t": dimensions [4611686018427387904, 8] overflow"#)
        try expectRefused(GGUFBytes.file(dimensions: [UInt64.max]), "dimensions [18446744073709551615] overflow")
        try expectRefused(GGUFBytes.file(dimensions: [1 << 32, 1 << 31]), "overflow")
        try expectRefused(GGUFBytes.file(dimensions: [1, 1, 1, 1, 1]),
                          #"tensor "t": has 5 dimensions; GGUF allows at most 4"#)
        // Block types: the byte count overflows even where the element count does not.
        try expectRefused(GGUFBytes.file(dimensions: [(1 << 63) - 32], type: 8), "overflow")
    }

    @Test func unknownAndUnsupportedTensorTypes() throws {
        try expectRefused(GGUFBytes.file(type: 99), #"tensor "t": has unknown GGUF tensor type 99"#)
        try expectRefused(GGUFBytes.file(type: 4), "unknown GGUF tensor type 4")  // Q4_2, removed from GGML
        try expectRefused(GGUFBytes.file(dimensions: [33, 2], type: 8, dataBytes: 200),
                          #"tensor "t": rows of 33 elements are not whole Q8_0 blocks of 32"#)
        // A type GGML defines but the zoo does not read opens; reading it names the type.
        try withTemporaryDirectory { directory in
            let file = try openGGUF(GGUFBytes.file(dimensions: [256, 1], type: 14, dataBytes: 210), in: directory)
            #expect(file.info("t")?.type == GGUFTensorType(rawValue: 14) && file.info("t")?.byteCount == 210)
            let error = #expect(throws: FormatError.self) { try file.tensor("t") }
            #expect(error?.problem.hasPrefix("GGUF type Q6_K is not supported") == true)
            let i64 = try openGGUF(GGUFBytes.file(dimensions: [2], type: 27, dataBytes: 16), in: directory, name: "i64.gguf")
            let integer = #expect(throws: FormatError.self) { try i64.dequantized("t") }
            #expect(integer?.problem.hasPrefix("GGUF type I64 is not supported") == true)
        }
    }
}
