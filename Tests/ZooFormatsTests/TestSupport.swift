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
