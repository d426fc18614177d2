#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The file-system steps that make a write survive a crash or a power cut: data flushed before the rename that
/// publishes it, and the rename itself flushed by syncing its folder.
enum DurableFiles {
    /// Flushes every file of `folder` (not recursive: a model folder holds only files), then the folder itself.
    /// The flushed files' pages then leave the page cache: see `sync(_:droppingCachedPages:)`.
    static func syncFolder(_ folder: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        for name in names { try sync(folder.appendingPathComponent(name), droppingCachedPages: true) }
        try sync(folder)
    }

    /// fsync of one file or folder. With `droppingCachedPages`, the kernel is then advised to drop the file's
    /// (now clean) pages from the page cache. Written pages stay cached in 4 KB pages; read in again through the
    /// loader's mapping, which asks for huge pages, they come in 2 MB pages, and every later load does far less
    /// page-table work: GPT-2 124M float32 loaded in 28-50 ms instead of 80-120 ms here. It is only advice: nothing
    /// depends on it being taken.
    static func sync(_ url: URL, droppingCachedPages: Bool = false) throws {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(url, "cannot open to flush") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure(url, "cannot flush to disk") }
        if droppingCachedPages { _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED) }
    }

    /// Renames `source` to `destination`, which must not exist.
    static func rename(_ source: URL, to destination: URL) throws {
        guard try renameat2()(AT_FDCWD, source.path, AT_FDCWD, destination.path, renameNoReplace) == 0 else {
            throw failure(destination, "cannot rename \(source.lastPathComponent) into place")
        }
    }

    /// Swaps two existing paths in one step, so that each name always holds one of the two.
    static func exchange(_ first: URL, _ second: URL) throws {
        guard try renameat2()(AT_FDCWD, first.path, AT_FDCWD, second.path, renameExchange) == 0 else {
            throw failure(second, "cannot swap with \(first.lastPathComponent)")
        }
    }

    private static func failure(_ url: URL, _ what: String) -> ZooError {
        ZooError(path: url.path, "\(what): \(String(cString: strerror(errno)))")
    }

    private static let renameNoReplace: UInt32 = 1
    private static let renameExchange: UInt32 = 2

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32)
        -> Int32

    /// glibc's renameat2 (2.28 and later), which the Glibc module does not import (it is declared for _GNU_SOURCE).
    private static let renameat2Symbol: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }

    private static func renameat2() throws -> RenameAt2 {
        guard let function = renameat2Symbol else {
            throw ZooError("this C library has no renameat2 (glibc 2.28 or later is needed for atomic zoo writes)")
        }
        return function
    }
}
