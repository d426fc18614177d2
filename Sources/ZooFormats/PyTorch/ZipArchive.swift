/// The table of contents of a zip archive as torch.save writes it: every entry stored uncompressed, so that each
/// one's data is a range of the file that can be mapped in place. The central directory is read (with its ZIP64
/// records when the archive has them) and every entry is checked against the file before anyone reads it: a
/// compressed or encrypted entry, data outside the file, a truncated archive are errors naming the entry.
public struct ZipArchive: Sendable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        /// Where the entry's data starts in the archive.
        public let offset: Int
        public let size: Int
        /// The CRC-32 the central directory records for the data.
        public let crc32: UInt32

        public var range: Range<Int> { offset..<offset + size }
    }

    /// Archives with more entries are refused before their directory is read (torch.save writes one per storage).
    public static let maximumEntries = 1_000_000

    /// The entries in the order of the central directory.
    public let entries: [Entry]
    private let byName: [String: Int]

    /// Reads the central directory of the archive in `bytes`; `path` names the file in errors.
    public init(bytes: UnsafeRawBufferPointer, path: String) throws(FormatError) {
        let reader = ZipBytes(bytes: bytes, path: path)
        let directory = try reader.centralDirectory()
        var entries: [Entry] = []
        var byName: [String: Int] = [:]
        var position = directory.offset
        let end = directory.offset + directory.size
        for _ in 0..<directory.count {
            let (entry, next) = try reader.entry(at: position, directoryEnd: end, dataEnd: directory.offset)
            guard byName[entry.name] == nil else { throw reader.error("entry \(entry.name.debugDescription) appears twice") }
            byName[entry.name] = entries.count
            entries.append(entry)
            position = next
        }
        self.entries = entries
        self.byName = byName
    }

    public func entry(_ name: String) -> Entry? { byName[name].map { entries[$0] } }
}

/// The archive's bytes, read little-endian with every offset checked.
private struct ZipBytes {
    let bytes: UnsafeRawBufferPointer
    let path: String

    func error(_ problem: String) -> FormatError { FormatError(path: path, problem) }

    func has(_ count: Int, at offset: Int) -> Bool { offset >= 0 && count >= 0 && offset <= bytes.count - count }

    func u16(_ offset: Int) -> Int { Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian) }
    func u32(_ offset: Int) -> UInt32 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian }
    func u64(_ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian }

    /// A 64-bit field as an offset or size inside the file, or an error saying which field is out of range.
    func fileOffset(_ value: UInt64, _ field: String) throws(FormatError) -> Int {
        guard value <= UInt64(bytes.count) else {
            throw error("truncated or damaged: the \(field) (\(value)) lies beyond the file's \(bytes.count) bytes")
        }
        return Int(value)
    }

    enum Signature {
        static let localHeader: UInt32 = 0x0403_4B50
        static let centralHeader: UInt32 = 0x0201_4B50
        static let end: UInt32 = 0x0605_4B50
        static let zip64End: UInt32 = 0x0606_4B50
        static let zip64Locator: UInt32 = 0x0706_4B50
    }

    /// Where the central directory lies and how many entries it holds, from the end record (and the ZIP64 end
    /// record it points to, when present).
    func centralDirectory() throws(FormatError) -> (offset: Int, size: Int, count: Int) {
        // The end record is 22 bytes plus a comment of up to 65535 bytes, at the very end of the file.
        let endLength = 22
        guard bytes.count >= endLength else {
            throw error("truncated: \(bytes.count) bytes cannot hold a zip archive's end record")
        }
        var end: Int?
        var candidate = bytes.count - endLength
        let lowest = max(0, bytes.count - endLength - 0xFFFF)
        while candidate >= lowest {
            if u32(candidate) == Signature.end && candidate + endLength + u16(candidate + 20) == bytes.count {
                end = candidate
                break
            }
            candidate -= 1
        }
        guard let end else {
            throw error("truncated or not a zip archive: no end of central directory record at the end of the file")
        }
        guard u16(end + 4) == 0, u16(end + 6) == 0 else { throw error("multi-volume zip archives are not supported") }
        var count = u16(end + 10)
        var size = UInt64(u32(end + 12))
        var offset = UInt64(u32(end + 16))
        var directoryLimit = end

        let locator = end - 20
        if locator >= 0 && u32(locator) == Signature.zip64Locator {
            let record = try fileOffset(u64(locator + 8), "ZIP64 end record's offset")
            guard has(56, at: record), record + 56 <= locator, u32(record) == Signature.zip64End else {
                throw error("damaged: the ZIP64 end of central directory record is missing or out of place")
            }
            guard u32(record + 16) == 0, u32(record + 20) == 0 else {
                throw error("multi-volume zip archives are not supported")
            }
            let entries = u64(record + 32)
            guard entries <= UInt64(ZipArchive.maximumEntries) else {
                throw error("the archive lists \(entries) entries, more than the limit of \(ZipArchive.maximumEntries)")
            }
            count = Int(entries)
            size = u64(record + 40)
            offset = u64(record + 48)
            directoryLimit = record
        }
        guard count <= ZipArchive.maximumEntries else {
            throw error("the archive lists \(count) entries, more than the limit of \(ZipArchive.maximumEntries)")
        }
        let start = try fileOffset(offset, "central directory's offset")
        let length = try fileOffset(size, "central directory's size")
        guard start <= directoryLimit - length else {
            throw error("truncated or damaged: the central directory (\(length) bytes at \(start)) runs past its end record")
        }
        // Each entry takes at least 46 bytes: a count the directory cannot hold is damage, not a reason to loop.
        guard count <= length / 46 else {
            throw error("damaged: \(count) entries cannot fit in a central directory of \(length) bytes")
        }
        return (start, length, count)
    }

    /// The central directory entry at `position`, checked against its local header and the file, and where the
    /// next entry starts. Entry data must lie before the central directory (`dataEnd`).
    func entry(at position: Int, directoryEnd: Int, dataEnd: Int) throws(FormatError) -> (ZipArchive.Entry, Int) {
        guard position <= directoryEnd - 46, u32(position) == Signature.centralHeader else {
            throw error("damaged: central directory entry at byte \(position) is missing or cut short")
        }
        let nameLength = u16(position + 28), extraLength = u16(position + 30), commentLength = u16(position + 32)
        let next = position + 46 + nameLength + extraLength + commentLength
        guard next <= directoryEnd else {
            throw error("damaged: central directory entry at byte \(position) runs past the directory")
        }
        let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[position + 46..<position + 46 + nameLength])
        guard let name = String(validating: nameBytes, as: UTF8.self) else {
            throw error("entry name at byte \(position + 46) is not UTF-8")
        }
        func entryError(_ problem: String) -> FormatError { error("entry \(name.debugDescription) \(problem)") }

        let flags = u16(position + 8), method = u16(position + 10)
        guard flags & 1 == 0 else { throw entryError("is encrypted") }
        guard method == 0 else {
            let kind = method == 8 ? "deflate" : method == 12 ? "bzip2" : method == 14 ? "LZMA" : "method \(method)"
            throw entryError("is compressed (\(kind)); torch.save stores entries uncompressed, so this archive was "
                + "repacked by another tool: save the model again with torch.save, or as safetensors")
        }
        var compressedSize = UInt64(u32(position + 20))
        var size = UInt64(u32(position + 24))
        var localOffset = UInt64(u32(position + 42))
        var disk = UInt64(u16(position + 34))
        // ZIP64: a field at its maximum value is held in the ZIP64 extra field instead, in this order.
        if compressedSize == 0xFFFF_FFFF || size == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF || disk == 0xFFFF {
            let extra = position + 46 + nameLength
            guard var fields = zip64Fields(from: extra, length: extraLength) else {
                throw entryError("is damaged: a size or offset needs a ZIP64 extra field, which is missing")
            }
            func take(_ value: inout UInt64, marker: UInt64) throws(FormatError) {
                guard value == marker else { return }
                guard let first = fields.first else { throw entryError("is damaged: its ZIP64 extra field is too short") }
                value = first
                fields.removeFirst()
            }
            try take(&size, marker: 0xFFFF_FFFF)
            try take(&compressedSize, marker: 0xFFFF_FFFF)
            try take(&localOffset, marker: 0xFFFF_FFFF)
            try take(&disk, marker: 0xFFFF)
        }
        guard disk == 0 else { throw entryError("lies on another volume of a multi-volume archive") }
        guard compressedSize == size else {
            throw entryError("is stored uncompressed but its stored size \(compressedSize) differs from its size \(size)")
        }

        let local = try fileOffset(localOffset, "local header offset of entry \(name.debugDescription)")
        guard local <= dataEnd - 30, u32(local) == Signature.localHeader else {
            throw entryError("is damaged: no local header at byte \(local)")
        }
        let localNameLength = u16(local + 26), localExtraLength = u16(local + 28)
        let dataStart = local + 30 + localNameLength + localExtraLength
        guard localNameLength == nameLength, dataStart <= dataEnd,
              bytes[local + 30..<local + 30 + nameLength].elementsEqual(nameBytes) else {
            throw entryError("is damaged: its local header does not match the central directory")
        }
        guard size <= UInt64(dataEnd - dataStart) else {
            throw entryError("has \(size) bytes of data at byte \(dataStart), outside the archive's \(dataEnd) bytes of entries")
        }
        let entry = ZipArchive.Entry(name: name, offset: dataStart, size: Int(size), crc32: u32(position + 16))
        return (entry, next)
    }

    /// The 64-bit values of the ZIP64 extra field (header id 1) among the extra fields at `offset`.
    private func zip64Fields(from offset: Int, length: Int) -> [UInt64]? {
        var field = offset
        let end = offset + length
        while field + 4 <= end {
            let id = u16(field), size = u16(field + 2)
            guard field + 4 + size <= end else { return nil }
            if id == 1 { return (0..<size / 8).map { u64(field + 4 + 8 * $0) } }
            field += 4 + size
        }
        return nil
    }
}
