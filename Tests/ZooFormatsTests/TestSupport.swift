#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// A new empty directory, removed when `body` returns.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-formats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The repository's Formats/ folder, found from this file's path.
let formatsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Formats")

func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
}

/// A tensor of `dtype` holding `values` (which must be exact in that dtype for comparisons to hold).
func makeTensor(_ shape: [Int], _ values: [Float], _ dtype: DType) -> Tensor {
    Tensor(shape: shape, values: values).converted(to: dtype)
}

/// How many of the pages of the open file `file` are in the page cache, read from a mapping that touches none.
func residentPages(_ file: Int32) throws -> (resident: Int, total: Int) {
    var info = stat()
    try #require(fstat(file, &info) == 0)
    let size = Int(info.st_size), pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    let mapping = try #require(mmap(nil, size, PROT_READ, MAP_SHARED, file, 0))
    try #require(mapping != MAP_FAILED)
    defer { munmap(mapping, size) }
    var pages = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
    try #require(mincore(mapping, size, &pages) == 0)
    return (pages.count { $0 & 1 != 0 }, pages.count)
}
