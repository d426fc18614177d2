#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZooTensor

/// Maps a regular file read-only, after checking that it is one: mapping a directory or a device fails obscurely.
func mapRegularFile(_ url: URL) throws(FormatError) -> Storage {
    let path = url.path
    var info = stat()
    guard stat(path, &info) == 0 else { throw FormatError(path: path, String(cString: strerror(errno))) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw FormatError(path: path, "not a regular file") }
    do {
        return try Storage(mapping: url)
    } catch {
        throw FormatError(path: path, error.message)
    }
}
