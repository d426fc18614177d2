#if canImport(Glibc)
import Glibc
#endif
import ZooTensor

/// Checks the global heap collections of an HDF5 file before libhdf5 reads a variable-length string from one.
///
/// Variable-length strings (what h5py writes for a Python `str` attribute) live in global heap collections, and
/// libhdf5 1.10 copies a heap object by the size the collection records without checking it against the
/// collection (the fuzzer found the crash). Every collection libhdf5 would take for one (the signature "GCOL",
/// version 1) must end inside the file and hold objects that end inside it. Zoo's writer stores fixed-length
/// strings only, so its own files never need this scan; it runs once per file, at the first variable-length string.
final class GlobalHeapCheck {
    private let file: Storage
    private var result: FormatError?? = .none

    init(_ file: Storage) { self.file = file }

    func check(_ context: ErrorContext) throws(FormatError) {
        if case .some(let outcome) = result {
            if let outcome { throw outcome }
            return
        }
        let problem = scan().map { FormatError(path: context.path, $0) }
        result = .some(problem)
        if let problem { throw problem }
    }

    /// The first damaged collection, described; nil when every collection is sound.
    private func scan() -> String? {
        let bytes = UnsafeRawBufferPointer(start: file.base, count: file.byteCount)
        var from = 0
        while from + 16 <= bytes.count {
            guard let start = nextSignature(bytes, from: from) else { return nil }
            from = start + 1
            guard start + 16 <= bytes.count, bytes[start + 4] == 1 else { continue }
            let size = bytes.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self).littleEndian
            guard size >= 16, size <= UInt64(bytes.count - start) else {
                return "damaged HDF5 global heap at offset \(start): its \(size) bytes do not fit in the file"
            }
            let end = start + Int(size)
            // libhdf5's own walk: an object header of 16 bytes (index, reference count, reserved, size), then for an
            // object its data padded to 8 bytes, while index 0 (free space) gives its whole size, header included.
            // A tail too small for a header is free space.
            var offset = start + 16
            while offset + 16 <= end {
                let index: UInt16 = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian
                let objectSize: UInt64 = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
                let room = end - offset
                let fits: Bool
                if index == 0 {
                    // Less than a header would never move the walk on (libhdf5 then loops forever).
                    fits = objectSize >= 16 && objectSize <= UInt64(room)
                } else {
                    fits = objectSize <= UInt64(room - 16) && 16 + (Int(objectSize) + 7) / 8 * 8 <= room
                }
                guard fits else {
                    return "damaged HDF5 global heap at offset \(start): object \(index) of \(objectSize) bytes "
                        + "does not fit in the collection"
                }
                offset += index == 0 ? Int(objectSize) : 16 + (Int(objectSize) + 7) / 8 * 8
            }
        }
        return nil
    }

    /// The offset of the next "GCOL" at or after `from`.
    private func nextSignature(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        var at = from
        while at + 4 <= bytes.count {
            guard let found = memchr(bytes.baseAddress! + at, Int32(UInt8(ascii: "G")), bytes.count - 3 - at) else {
                return nil
            }
            let offset = bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
            if bytes[offset + 1] == UInt8(ascii: "C") && bytes[offset + 2] == UInt8(ascii: "O")
                && bytes[offset + 3] == UInt8(ascii: "L") {
                return offset
            }
            at = offset + 1
        }
        return nil
    }
}
