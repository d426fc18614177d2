import Foundation
import Testing
@testable import ZooFormats

/// Caps that hold whatever a file's size: a hostile header cannot make a reader allocate gigabytes. Each file here
/// is just large enough for its count to pass the check against the bytes that remain, so that the cap is what
/// refuses it.
@Suite struct LimitsTests {
    func expectRefused(_ bytes: [UInt8], padding: Int, _ problem: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("big.gguf")
            try Data(bytes + [UInt8](repeating: 0, count: padding)).write(to: url)
            let error = #expect(throws: FormatError.self, sourceLocation: sourceLocation) { try GGUFFile(contentsOf: url) }
            let description = error?.description ?? ""
            #expect(description.hasPrefix(url.path + ": ") && description.contains(problem), "\(description)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func ggufMetadataCountsBeyondTheLimitAreRefused() throws {
        let count = UInt64(GGUFHeader.maximumMetadataCount + 1)
        try expectRefused(GGUFBytes.file(metadataCount: count), padding: Int(count) * 13,
                          "metadata count \(count) is beyond the limit of \(GGUFHeader.maximumMetadataCount) keys")
    }

    @Test func ggufTensorCountsBeyondTheLimitAreRefused() throws {
        var file = GGUFBytes()
        let count = UInt64(GGUFHeader.maximumTensorCount + 1)
        file.header(tensors: count, metadata: 0)
        try expectRefused(file.bytes, padding: Int(count) * 24,
                          "tensor count \(count) is beyond the limit of \(GGUFHeader.maximumTensorCount) tensors")
    }

    @Test func ggufArraysBeyondTheLimitAreRefused() throws {
        let count = UInt64(GGUFHeader.maximumArrayLength + 1)
        let bytes = GGUFBytes.file(metadataCount: 1) { file in
            file.string("tokenizer.ggml.token_type")
            file.u32(9)  // array
            file.u32(0)  // of uint8
            file.u64(count)
        }
        try expectRefused(bytes, padding: Int(count),
                          "metadata key tokenizer.ggml.token_type: array count \(count) is beyond the limit of \(GGUFHeader.maximumArrayLength)")
    }

    @Test func ggufMetadataValuesBeyondTheLimitInAllAreRefused() throws {
        let count = UInt64(GGUFHeader.maximumValueCount)  // with the array itself, one more value than allowed
        let bytes = GGUFBytes.file(metadataCount: 1) { file in
            file.string("tokenizer.ggml.scores")
            file.u32(9)  // array
            file.u32(0)  // of uint8
            file.u64(count)
        }
        try expectRefused(bytes, padding: Int(count),
                          "metadata key tokenizer.ggml.scores: more than \(GGUFHeader.maximumValueCount) metadata values in all, the limit")
    }

    @Test func ggufStringsBeyondTheLimitAreRefused() throws {
        let length = UInt64(GGUFHeader.maximumStringLength + 1)
        let bytes = GGUFBytes.file(metadataCount: 1) { file in
            file.string("tokenizer.chat_template")
            file.u32(8)  // string
            file.u64(length)
        }
        try expectRefused(bytes, padding: Int(length),
                          "the value of metadata key tokenizer.chat_template: string length \(length) is beyond the limit of \(GGUFHeader.maximumStringLength) bytes")
    }

    @Test func safetensorsRanksBeyondTheLimitAreRefused() throws {
        let shape = [Int](repeating: 1, count: ZooCheckpointLayout.maximumRank + 1)
        let header = #"{"t":{"dtype":"F32","shape":\#(shape),"data_offsets":[0,4]}}"#
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("deep.safetensors")
            try safetensorsBytes(header: header, data: [0, 0, 0, 0]).write(to: url)
            let error = #expect(throws: FormatError.self) { try SafetensorsFile(contentsOf: url) }
            #expect(error?.description == "\(url.path): tensor \"t\": rank 33 is beyond the limit of 32 dimensions")
        }
    }

    @Test func safetensorsHeadersBeyondTheLimitAreRefusedUnread() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("huge.safetensors")
            let declared = UInt64(SafetensorsFile.maximumHeaderSize + 1)
            try safetensorsBytes(header: "{}", declaredLength: declared).write(to: url)
            let error = #expect(throws: FormatError.self) { try SafetensorsFile(contentsOf: url) }
            #expect(error?.description.contains("header length \(declared) exceeds the limit of 100000000 bytes") == true)
        }
    }
}
