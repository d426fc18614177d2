import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// GGUF files written by the Python gguf package: metadata of every value type, tensors of every type the zoo reads.
@Suite struct GGUFFileTests {
    @Test func readsEveryMetadataValueType() throws {
        let file = try GGUFFile(contentsOf: try GGUFFixture("all_types").url)
        #expect(file.version == 3 && file.alignment == 32)
        let metadata = file.metadata
        #expect(metadata.keys.first == "general.architecture" && metadata.keys.count == 18)
        #expect(try metadata.string("general.architecture") == "zoo-test")
        #expect(metadata["test.uint8"] == .uint8(200) && metadata["test.int8"] == .int8(-100))
        #expect(metadata["test.uint16"] == .uint16(60000) && metadata["test.int16"] == .int16(-30000))
        #expect(metadata["test.uint32"] == .uint32(4_000_000_000) && metadata["test.int32"] == .int32(-2_000_000_000))
        #expect(metadata["test.uint64"] == .uint64(.max) && metadata["test.int64"] == .int64(-9_000_000_000_000_000_000))
        #expect(metadata["test.float32"] == .float32(0.15625) && metadata["test.float64"] == .float64(1e-300))
        #expect(metadata["test.bool"] == .bool(true))
        #expect(try metadata.string("test.string") == "héllo wörld ✓")
        #expect(try metadata.integers("test.array.int32") == [1, -2, 3])
        #expect(metadata["test.array.int32"] == .array(.int32, [.int32(1), .int32(-2), .int32(3)]))
        #expect(try metadata.floats("test.array.float32") == [0.5, -1.25])
        #expect(try metadata.strings("test.array.string") == ["a", "bc", ""])
        #expect(metadata["test.array.bool"]?.array?.compactMap(\.bool) == [true, false])
        #expect(metadata["test.array.nested"] == .array(.array, [.array(.int32, [.int32(1), .int32(2)]),
                                                                   .array(.int32, [.int32(3)])]))
        // Integer accessors take any integer type whose value fits.
        #expect(try metadata.integer("test.uint8") == 200)
        #expect(try metadata.integer("test.int64") == -9_000_000_000_000_000_000)
        #expect(try metadata.float("test.float32") == 0.15625)
        #expect(try metadata.bool("test.bool"))
    }

    @Test func typedMetadataAccessorsNameTheFileAndKey() throws {
        let url = try GGUFFixture("all_types").url
        let metadata = try GGUFFile(contentsOf: url).metadata
        let cases: [(String, (GGUFMetadata) throws -> Any)] = [
            ("missing metadata key llama.block_count", { try $0.integer("llama.block_count") }),
            ("metadata key test.uint8 is uint8, expected a string", { try $0.string("test.uint8") }),
            ("metadata key test.uint64 is uint64, expected an integer", { try $0.integer("test.uint64") }),
            ("metadata key test.string is string, expected a float", { try $0.float("test.string") }),
            ("metadata key test.array.int32 is array of 3 int32, expected an array of strings",
             { try $0.strings("test.array.int32") }),
        ]
        for (message, access) in cases {
            let error = #expect(throws: FormatError.self) { try access(metadata) }
            #expect(error?.description == "\(url.path): \(message)")
        }
    }

    @Test func tensorsHaveLogicalShapesTypesAndTheValuesTheGGUFPackageDequantizes() throws {
        let fixture = try GGUFFixture("all_types")
        let file = try GGUFFile(contentsOf: fixture.url)
        #expect(file.names == (fixture.tensors.map(\.name) + ["q6_k.matrix"]).sorted())
        for expected in fixture.tensors {
            let info = try #require(file.info(expected.name))
            #expect(info.shape == expected.shape && info.type.name == expected.type, "\(expected.name)")
            let tensor = try file.tensor(expected.name)
            #expect(tensor.shape == expected.shape && tensor.dtype == info.type.dtype, "\(expected.name)")
            #expect(tensor.byteCount == info.byteCount && tensor.byteOffset == info.offset, "\(expected.name)")
            let dequantized = try file.dequantized(expected.name)
            #expect(dequantized.dtype == .float32 && dequantized.shape == expected.shape)
            // Bit patterns, so that -0 and 0 differ.
            #expect(dequantized.toArray().map(\.bitPattern) == expected.values.map { Float($0).bitPattern },
                    "\(expected.name)")
        }
        #expect(Set(fixture.tensors.map(\.type)) == ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1"])
    }

    /// The zoo's quantizer writes the blocks the gguf package writes for the same float32 values.
    @Test func quantizingTheSourceValuesGivesTheFilesBlocks() throws {
        let fixture = try GGUFFixture("all_types")
        let file = try GGUFFile(contentsOf: fixture.url)
        for expected in fixture.tensors {
            guard let source = expected.source else { continue }
            let stored = try file.tensor(expected.name)
            let quantized = Tensor(shape: expected.shape, values: source.map { Float($0) }).converted(to: stored.dtype)
            let bytes = { (t: Tensor) in Array(UnsafeRawBufferPointer(start: t.rawPointer, count: t.byteCount)) }
            #expect(bytes(quantized) == bytes(stored), "\(expected.name)")
        }
    }

    @Test func quantizedTensorsAreViewsIntoTheMapping() throws {
        let file = try GGUFFile(contentsOf: try GGUFFixture("all_types").url)
        let tensors = try ["q8_0.matrix", "q4_0.matrix", "q4_1.matrix", "f32.matrix"].map { try file.tensor($0) }
        #expect(tensors.allSatisfy { $0.storage === tensors[0].storage && !$0.storage.isWritable })
    }

    @Test func aTypeTheZooDoesNotReadIsNamedButRefused() throws {
        let url = try GGUFFixture("all_types").url
        let file = try GGUFFile(contentsOf: url)
        let info = try #require(file.info("q6_k.matrix"))
        #expect(info.shape == [2, 256] && info.type.name == "Q6_K" && info.type.dtype == nil && info.byteCount == 420)
        for read in [{ try file.tensor("q6_k.matrix") }, { try file.dequantized("q6_k.matrix") }] as [() throws -> Tensor] {
            let error = #expect(throws: FormatError.self) { _ = try read() }
            #expect(error?.description == "\(url.path): tensor \"q6_k.matrix\": GGUF type Q6_K is not supported: "
                + "the zoo reads F32, F16, BF16, Q8_0, Q4_0 and Q4_1")
        }
        let missing = #expect(throws: FormatError.self) { try file.tensor("absent") }
        #expect(missing?.description == "\(url.path): tensor \"absent\": no such tensor")
    }

    @Test func version2ReadsLikeVersion3() throws {
        let v3 = try GGUFFile(contentsOf: try GGUFFixture("all_types").url)
        let v2 = try GGUFFile(contentsOf: fixture("gguf/version_2.gguf"))
        #expect(v2.version == 2 && v2.names == v3.names && v2.metadata.keys == v3.metadata.keys)
        #expect(try v2.dequantized("q4_1.matrix").toArray() == v3.dequantized("q4_1.matrix").toArray())
    }

    /// With general.alignment 1 the data lies at odd offsets: tensors whose type needs alignment are copied.
    @Test func dataMisalignedByTheFilesAlignmentIsCopied() throws {
        let fixture = try GGUFFixture("alignment_1")
        let file = try GGUFFile(contentsOf: fixture.url)
        #expect(file.alignment == 1)
        #expect(file.info("misaligned.f32")!.offset % 4 != 0)
        for expected in fixture.tensors {
            let tensor = try file.tensor(expected.name)
            #expect(Int(bitPattern: tensor.rawPointer) % tensor.dtype.alignment == 0, "\(expected.name)")
            #expect(tensor.toArray() == expected.values.map { Float($0) }, "\(expected.name)")
        }
    }
}
