#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A block of memory that tensors view: either allocated here (and writable) or a read-only mapping of a file.
/// The storage keeps the memory alive; tensors share it.
public final class Storage: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    public let isWritable: Bool
    private let release: @Sendable (UnsafeMutableRawPointer, Int) -> Void

    /// Memory aligned to 64 bytes, so that vector kernels never straddle a cache line at the start; zero-filled
    /// unless the caller writes every byte itself.
    public init(byteCount: Int, zeroed: Bool = true) {
        var pointer: UnsafeMutableRawPointer?
        let size = max(byteCount, 64)
        guard posix_memalign(&pointer, 64, size) == 0, let pointer else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        if zeroed { memset(pointer, 0, size) }
        self.base = pointer
        self.byteCount = byteCount
        self.isWritable = true
        self.release = { pointer, _ in free(pointer) }
    }

    /// Zero-filled memory that the kernel backs with 2 MB pages where it can (`MADV_HUGEPAGE`), for large tables
    /// that every decode step reads: one translation per 2 MB instead of per 4 KB, and 512 times fewer page faults
    /// filling them.
    public init(hugePages byteCount: Int) {
        let huge = 2 << 20
        let size = max(huge, (byteCount + huge - 1) / huge * huge)
        // Mapped with 2 MB to spare, then trimmed to a 2 MB-aligned range.
        guard let mapped = mmap(nil, size + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        let start = (Int(bitPattern: mapped) + huge - 1) / huge * huge - Int(bitPattern: mapped)
        if start > 0 { munmap(mapped, start) }
        if huge - start > 0 { munmap(mapped + start + size, huge - start) }
        let base = mapped + start
        madvise(base, size, MADV_HUGEPAGE)
        self.base = base
        self.byteCount = byteCount
        self.isWritable = true
        self.release = { pointer, _ in munmap(pointer, size) }
    }

    /// Maps a whole file read-only. The pages are shared with the page cache: nothing is copied.
    public init(mapping url: URL) throws(StorageError) {
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError(path: path, message: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size > 0 else {
            // mmap refuses length 0; an empty file maps to an empty allocation.
            self.base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
            self.byteCount = 0
            self.isWritable = false
            self.release = { pointer, _ in pointer.deallocate() }
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw StorageError(path: path, message: "cannot map: " + String(cString: strerror(errno)))
        }
        self.base = mapped
        self.byteCount = size
        self.isWritable = false
        self.release = { pointer, size in munmap(pointer, size) }
    }

    deinit { release(base, byteCount) }
}

public struct StorageError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}
