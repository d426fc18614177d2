import Foundation
import Testing
@testable import ZooFormats

/// The zip reader on archives torch.save wrote and on damaged copies of them: a truncated archive, an entry whose
/// data lies outside the file, a compressed or encrypted entry, a directory that claims too much.
@Suite struct ZipArchiveTests {
    static let original = try! [UInt8](Data(contentsOf: fixture("pytorch/views-p2.bin")))

    func archive(_ bytes: [UInt8]) throws(FormatError) -> ZipArchive {
        var result: Result<ZipArchive, FormatError>!
        bytes.withUnsafeBytes { buffer in result = Result { () throws(FormatError) in try ZipArchive(bytes: buffer, path: "a.zip") } }
        return try result.get()
    }

    func refusal(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let error = #expect(throws: FormatError.self, sourceLocation: sourceLocation) { try archive(bytes) }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("a.zip: "), "\(description)", sourceLocation: sourceLocation)
        return description
    }

    /// Where the central directory entry of `name` starts.
    func centralEntry(_ name: String, in bytes: [UInt8]) -> Int {
        let nameBytes = Array(name.utf8)
        return (0..<bytes.count - 46).first { position in
            bytes[position..<position + 4] == [0x50, 0x4B, 0x01, 0x02]
                && bytes[position + 46..<min(position + 46 + nameBytes.count, bytes.count)].elementsEqual(nameBytes)
        }!
    }

    func patch(_ bytes: inout [UInt8], at offset: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }

    @Test func torchSaveArchivesAreReadWithEveryEntryStoredInPlace() throws {
        let zip = try archive(Self.original)
        #expect(zip.entries.map(\.name).prefix(4) == ["views-p2/data.pkl", "views-p2/.format_version",
                                                      "views-p2/.storage_alignment", "views-p2/byteorder"])
        let byteorder = try #require(zip.entry("views-p2/byteorder"))
        #expect(Array(Self.original[byteorder.range]) == Array("little".utf8))
        // torch.save aligns every storage to 64 bytes, so tensors can be views of the mapping.
        for entry in zip.entries where entry.name.contains("/data/") { #expect(entry.offset % 64 == 0) }
    }

    @Test func zip64RecordsGiveTheSameEntries() throws {
        let zip64 = try [UInt8](Data(contentsOf: fixture("pytorch/views-zip64.bin")))
        let plain = try archive(Self.original), wide = try archive(zip64)
        #expect(wide.entries.map(\.name).sorted() == plain.entries.map(\.name).sorted())
        for entry in plain.entries {
            let other = try #require(wide.entry(entry.name))
            #expect(zip64[other.range] == Self.original[entry.range] && other.crc32 == entry.crc32)
        }
    }

    @Test func everyTruncationIsRefused() {
        for length in 0..<Self.original.count {
            let message = refusal(Array(Self.original.prefix(length)))
            #expect(message.contains("truncated"), "\(length): \(message)")
        }
    }

    @Test func anEntryWithDataOutsideTheFileIsRefusedByName() {
        var bytes = Self.original
        let entry = centralEntry("views-p2/data/0", in: bytes)
        patch(&bytes, at: entry + 20, 0x7FFF_0000)  // stored size
        patch(&bytes, at: entry + 24, 0x7FFF_0000)  // size
        #expect(refusal(bytes).contains("entry \"views-p2/data/0\" has 2147418112 bytes of data at byte 1664, outside the archive's"))

        var offset = Self.original
        patch(&offset, at: centralEntry("views-p2/data/0", in: offset) + 42, 0x7FFF_0000)  // local header offset
        #expect(refusal(offset).contains("local header offset of entry \"views-p2/data/0\" (2147418112) lies beyond the file"))
    }

    @Test func compressedAndEncryptedEntriesAreRefusedByName() throws {
        let compressed = try [UInt8](Data(contentsOf: fixture("pytorch/compressed.bin")))
        #expect(refusal(compressed).contains("entry \"views-p2/data.pkl\" is compressed (deflate); torch.save stores entries uncompressed"))
        var encrypted = Self.original
        encrypted[centralEntry("views-p2/byteorder", in: encrypted) + 8] |= 1
        #expect(refusal(encrypted).contains("entry \"views-p2/byteorder\" is encrypted"))
    }

    @Test func aDirectoryThatClaimsMoreThanTheFileHoldsIsRefused() {
        // torch.save writes a ZIP64 end record, which the reader takes over the plain one.
        let record = (0..<Self.original.count - 4).last { Self.original[$0..<$0 + 4] == [0x50, 0x4B, 0x06, 0x06] }!
        func patched(_ field: Int, _ value: UInt32) -> [UInt8] {
            var bytes = Self.original
            patch(&bytes, at: record + field, value)
            return bytes
        }
        #expect(refusal(patched(32, 65535)).contains("65535 entries cannot fit in a central directory"))
        #expect(refusal(patched(32, 2_000_000)).contains("lists 2000000 entries, more than the limit of 1000000"))
        #expect(refusal(patched(40, 0xFFFF_FFF0)).contains("the central directory's size (4294967280) lies beyond the file"))
        #expect(refusal(patched(48, 100)).contains("damaged"))
    }
}
