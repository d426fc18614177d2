import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// Reading what torch.save writes (Tools/make_pytorch_fixtures.py): views of shared storages in every float type,
/// every pickle protocol from 2 to 5, another top folder, big-endian data, no byteorder entry, ZIP64 records.
/// The expected values are torch's own, recorded beside the files.
@Suite struct PickleCheckpointTests {
    struct Expected: Decodable {
        let dtype: String?
        let shape: [Int]?
        let values: [Float]?
        let unreadable: String?
    }

    static let expected = try! JSONDecoder().decode(
        [String: Expected].self, from: Data(contentsOf: fixture("pytorch/views.expected.json")))

    static let variants = ["views-p2", "views-p3", "views-p4", "views-p5", "views-archive-folder",
                           "views-big-endian", "views-no-byteorder", "views-zip64"]

    @Test(arguments: variants) func everyTensorComesOutAsTorchSavedIt(_ variant: String) throws {
        let file = try PyTorchFile(contentsOf: fixture("pytorch/\(variant).bin"))
        #expect(file.names == Self.expected.keys.sorted())
        for (name, expected) in Self.expected {
            if let unreadable = expected.unreadable {
                #expect(file.info(name) == nil && file.unreadableDType(name) == unreadable, "\(name)")
                let error = #expect(throws: FormatError.self) { try file.tensor(name) }
                #expect(error?.description.contains("unsupported dtype \(unreadable)") == true)
                continue
            }
            let tensor = try file.tensor(name)
            #expect(file.info(name) == TensorInfo(shape: expected.shape!, dtype: DType(rawValue: expected.dtype!)!))
            #expect(tensor.shape == expected.shape! && tensor.dtype.rawValue == expected.dtype!, "\(name)")
            // Bit for bit: every value is exact in its type, and NaN never occurs.
            #expect(tensor.toArray() == expected.values!, "\(variant): \(name)")
        }
    }

    @Test func contiguousTensorsAreViewsOfTheMappingAndSharedStoragesAreNotCopied() throws {
        let file = try PyTorchFile(contentsOf: fixture("pytorch/views-p2.bin"))
        let matrix = try file.tensor("matrix"), half = try file.tensor("half"), tail = try file.tensor("half_tail")
        #expect(!matrix.storage.isWritable && matrix.storage === half.storage)
        // half_tail is half[2:]: the same bytes, three elements on.
        #expect(tail.storage === half.storage && tail.byteOffset == half.byteOffset + 4)
        // A transposed view cannot be a view in row-major order: it is copied.
        #expect(try file.tensor("transposed").storage.isWritable)
    }

    @Test func aDamagedStorageIsFoundByItsChecksumWhenRead() throws {
        var bytes = try [UInt8](Data(contentsOf: fixture("pytorch/views-p2.bin")))
        let archive = try bytes.withUnsafeBytes { try ZipArchive(bytes: $0, path: "x") }
        let storage = archive.entries.first { $0.name.hasSuffix("/data/0") }!
        bytes[storage.offset + 5] ^= 0x40
        let file = try PyTorchFile(bytes: bytes, path: "damaged.bin")
        let error = #expect(throws: FormatError.self) { try file.tensor("matrix") }
        #expect(error?.description.hasPrefix("damaged.bin: entry \"views-p2/data/0\" is damaged: its CRC-32") == true)
        // Tensors of other storages still read.
        #expect(try file.tensor("half").count == 5)
    }
}
