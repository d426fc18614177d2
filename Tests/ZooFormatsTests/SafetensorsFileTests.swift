import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// A safetensors file: the 8-byte header length (`declaredLength`, or the header's real length), header, data.
func safetensorsBytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    let json = Array(header.utf8)
    var bytes = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + json + data
}

@Suite struct SafetensorsFileTests {
    @Test func readsEveryDTypeWithMetadataAsViewsIntoTheMapping() throws {
        let file = try SafetensorsFile(contentsOf: fixture("mixed_dtypes.safetensors"))
        #expect(file.names == ["a.float32", "b.float16", "c.bfloat16", "empty", "scalar"])
        #expect(file.metadata == ["format": "pt"])
        let expected: [String: (TensorInfo, [Float])] = [
            "a.float32": (TensorInfo(shape: [2, 3], dtype: .float32), [1, -2, 0.5, 3.25, -0.125, 96]),
            "b.float16": (TensorInfo(shape: [3], dtype: .float16), [0.5, -0.75, 65504]),
            "c.bfloat16": (TensorInfo(shape: [2, 2], dtype: .bfloat16),
                           [1, -2, Float(bfloat16Bits: Float(3e38).bfloat16Bits), 0.25]),
            "scalar": (TensorInfo(shape: [], dtype: .float32), [2.5]),
            "empty": (TensorInfo(shape: [0, 2], dtype: .float16), []),
        ]
        let mapping = try file.tensor("a.float32").storage
        #expect(!mapping.isWritable)
        for (name, (info, values)) in expected {
            #expect(file.info(name) == info, "\(name)")
            let tensor = try file.tensor(name)
            #expect(tensor.toArray() == values, "\(name)")
            #expect(tensor.storage === mapping, "\(name) is not a view into the mapping")
        }
    }

    @Test func aTensorOfAnotherDTypeIsListedButNotRead() throws {
        let url = fixture("int8_tensor.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.names.contains("quantized") && file.unreadableDType("quantized") == "I8")
        #expect(file.info("quantized") == nil)
        let error = #expect(throws: FormatError.self) { try file.tensor("quantized") }
        #expect(error?.description
            == "\(url.path): tensor \"quantized\": unsupported dtype I8: the zoo reads F32, F16 and BF16")
    }

    @Test func misalignedDataIsCopiedAndAlignedDataIsNot() throws {
        // Header of odd length: the data section starts at an odd offset, so "odd" (at 0) is misaligned for F32;
        // "even" starts one byte later, at an even offset that is aligned for F16.
        var header = #"{"odd":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""even":{"dtype":"F16","shape":[1],"data_offsets":[5,7]}}"#
        if header.utf8.count % 2 == 0 { header += " " }
        let value = Array(withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init))
        let half = Array(withUnsafeBytes(of: Float16(-2).bitPattern.littleEndian, Array.init))
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try safetensorsBytes(header: header, data: value + [0] + half).write(to: url)
            let file = try SafetensorsFile(contentsOf: url)
            let odd = try file.tensor("odd"), even = try file.tensor("even")
            #expect(odd.toArray() == [1.5] && odd.storage.isWritable)
            #expect(even.toArray() == [-2] && !even.storage.isWritable)
        }
    }

    struct BadFile: CustomTestStringConvertible {
        let name: String
        let bytes: Data
        /// What the error message must contain.
        let problem: String
        var testDescription: String { name }

        init(_ name: String, _ bytes: Data, _ problem: String) {
            (self.name, self.bytes, self.problem) = (name, bytes, problem)
        }

        /// A file with `header`, followed by `dataSize` zero bytes.
        init(_ name: String, header: String, dataSize: Int = 8, declaredLength: UInt64? = nil, _ problem: String) {
            self.init(name, safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: dataSize),
                                             declaredLength: declaredLength), problem)
        }
    }

    static let badFiles: [BadFile] = [
        BadFile("empty file", Data(), "truncated: 0 bytes cannot hold the 8-byte header length"),
        BadFile("seven bytes", Data([1, 0, 0, 0, 0, 0, 0]), "truncated: 7 bytes"),
        BadFile("length past the end", header: "{}", dataSize: 0, declaredLength: 3,
                "truncated: header length 3 exceeds the 2 bytes"),
        BadFile("length over the limit", header: "{}", declaredLength: 200_000_000,
                "exceeds the limit of 100000000 bytes"),
        BadFile("length UInt64.max", header: "{}", declaredLength: .max, "exceeds the limit"),
        BadFile("not JSON", header: "{not json", "header is not valid JSON"),
        BadFile("not UTF-8", safetensorsBytes(header: "{\"a\":1}").replacing(Data("a".utf8), with: Data([0xFF])),
                "header is not valid JSON"),
        BadFile("an array", header: "[1, 2]", "header is not a JSON object"),
        BadFile("entry a number", header: #"{"a": 3}"#, #"tensor "a": header: entry must hold dtype"#),
        BadFile("dtype a number", header: #"{"a":{"dtype":1,"shape":[2],"data_offsets":[0,8]}}"#,
                #"tensor "a": header: entry must hold"#),
        BadFile("shape missing", header: #"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#,
                #"tensor "a": header: entry must hold"#),
        BadFile("fractional dimension", header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#,
                #"tensor "a": header: entry must hold"#),
        BadFile("offset beyond Int",
                header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,100000000000000000000]}}"#,
                #"tensor "a": header: entry must hold"#),
        BadFile("metadata not strings", header: #"{"__metadata__":{"a":1}}"#,
                "header: __metadata__ must map strings to strings"),
        BadFile("negative dimension", header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
                #"tensor "a": invalid shape [-2]"#),
        BadFile("overflowing shape",
                header: #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#,
                #"tensor "a": invalid shape"#),
        BadFile("three offsets", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#,
                #"tensor "a": data_offsets must hold two integers"#),
        BadFile("offsets past the data", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                dataSize: 7, #"tensor "a": data_offsets [0, 8] lie outside the 7-byte data section"#),
        BadFile("negative offset", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#,
                "lie outside"),
        BadFile("reversed offsets", header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#,
                "lie outside"),
        BadFile("span unlike shape", header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                #"tensor "a": data_offsets span 8 bytes, shape [3] in F32 needs 12"#),
        BadFile("unknown dtype", header: #"{"a":{"dtype":"F9","shape":[1],"data_offsets":[0,8]}}"#,
                #"tensor "a": unknown dtype F9"#),
        BadFile("integer span unlike shape", header: #"{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}"#,
                #"tensor "a": data_offsets span 8 bytes, shape [2] in I64 needs 16"#),
        BadFile("overlap", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                    + #""b":{"dtype":"F16","shape":[2],"data_offsets":[6,10]}}"#,
                dataSize: 10, #"tensor "b": data overlaps tensor "a""#),
        BadFile("overlap past an empty tensor", header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"#
                    + #""b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"#
                    + #""c":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
                dataSize: 16, #"tensor "c": data overlaps tensor "a""#),
    ]

    @Test(arguments: badFiles)
    func badFileIsAFormatErrorNamingFileAndProblem(_ bad: BadFile) throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try bad.bytes.write(to: url)
            let error = #expect(throws: FormatError.self) { try SafetensorsFile(contentsOf: url) }
            let description = error?.description ?? ""
            #expect(description.hasPrefix("\(url.path): ") && description.contains(bad.problem), "\(description)")
        }
    }

    @Test func missingFileAndDirectoryAreFormatErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("absent.safetensors")
            let error = #expect(throws: FormatError.self) { try SafetensorsFile(contentsOf: missing) }
            #expect(error?.description == "\(missing.path): No such file or directory")
            let folder = #expect(throws: FormatError.self) { try SafetensorsFile(contentsOf: directory) }
            #expect(folder?.description == "\(directory.path): not a regular file")
        }
    }
}
