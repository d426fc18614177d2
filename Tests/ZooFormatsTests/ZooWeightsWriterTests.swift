import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

@Suite struct ZooWeightsWriterTests {
    @Test func refusesAnExistingFileAndLeavesItAlone() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            try Data("keep".utf8).write(to: url)
            let error = #expect(throws: FormatError.self) { try ZooWeightsWriter(creating: url) }
            #expect(error?.description == "\(url.path): already exists")
            #expect(try Data(contentsOf: url) == Data("keep".utf8))
        }
    }

    @Test func refusesAFileInAMissingFolder() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("absent/weights.h5")
            let error = #expect(throws: FormatError.self) { try ZooWeightsWriter(creating: url) }
            #expect(error?.description.hasPrefix("\(url.path): cannot create: ") == true, "\(error?.description ?? "")")
        }
    }

    @Test(arguments: ["", "a/b", "/a", ".", "a b", "tab\tname", "é", "nul\0"])
    func refusesInvalidNamesAndStaysUsable(name: String) throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            let error = #expect(throws: FormatError.self) { try writer.write(name, makeTensor([1], [1], .float32)) }
            #expect(error?.problem.hasPrefix("invalid tensor name") == true)
            try writer.write("a", makeTensor([1], [1], .float32))
            try writer.close()
            #expect(try ZooWeights(contentsOf: url).names == ["a"])
        }
    }

    @Test func refusesARankHDF5CannotHoldAndStaysUsable() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            let error = #expect(throws: FormatError.self) {
                try writer.write("deep", makeTensor([Int](repeating: 1, count: 33), [1], .float32))
            }
            #expect(error?.problem == "rank 33 exceeds HDF5's limit of 32 dimensions")
            try writer.write("deep", makeTensor([Int](repeating: 1, count: 32), [1], .float32))
            try writer.close()
            #expect(try ZooWeights(contentsOf: url).info("deep")?.shape.count == 32)
        }
    }

    @Test func refusesADuplicateAndUseAfterClose() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            try writer.write("a", makeTensor([1], [1], .float32))
            let duplicate = #expect(throws: FormatError.self) { try writer.write("a", makeTensor([1], [2], .float16)) }
            #expect(duplicate?.description == "\(url.path): tensor \"a\": written twice")
            try writer.close()
            let late = #expect(throws: FormatError.self) { try writer.write("b", makeTensor([1], [1], .float32)) }
            #expect(late?.problem == "the writer is closed")
            let again = #expect(throws: FormatError.self) { try writer.close() }
            #expect(again?.problem == "the writer is already closed")
            #expect(try ZooWeights(contentsOf: url).tensor("a").toArray() == [1])
        }
    }

    @Test func aWriterNeverClosedLeavesAFileReadersRefuse() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            do {
                let writer = try ZooWeightsWriter(creating: url)
                try writer.write("a", makeTensor([2], [1, 2], .float32))
            }
            let error = #expect(throws: FormatError.self) { try ZooWeights(contentsOf: url) }
            #expect(error?.problem == "missing root attribute zoo_format: not a zoo checkpoint")
        }
    }

    @Test func writesTensorsViewedFromAnotherFile() throws {
        try withTemporaryDirectory { directory in
            let source = directory.appendingPathComponent("source.h5"), copy = directory.appendingPathComponent("copy.h5")
            let writer = try ZooWeightsWriter(creating: source)
            try writer.write("m", makeTensor([2, 2], [1, 2, 3, 4], .bfloat16))
            try writer.close()
            let mapped = try ZooWeights(contentsOf: source).tensor("m")
            let copier = try ZooWeightsWriter(creating: copy)
            try copier.write("m", mapped.row(1))
            try copier.close()
            let row = try ZooWeights(contentsOf: copy).tensor("m")
            #expect(row.shape == [2] && row.dtype == .bfloat16 && row.toArray() == [3, 4])
        }
    }

    /// Writers and readers used from concurrent tasks each get their own tensors back.
    @Test func concurrentWritersAndReadersKeepTheirOwnTensors() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sums = try await withThrowingTaskGroup(of: Float.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let url = directory.appendingPathComponent("w\(task).h5")
                    let writer = try ZooWeightsWriter(creating: url)
                    for index in 0..<20 {
                        try writer.write("t\(index)", makeTensor([3], [Float(task), Float(index), 1], .float16))
                    }
                    try writer.close()
                    let weights = try ZooWeights(contentsOf: url)
                    return try weights.names.map { try weights.tensor($0).toArray().reduce(0, +) }.reduce(0, +)
                }
            }
            return try await group.reduce(into: [Float]()) { $0.append($1) }
        }
        // Task t wrote tensors [t, i, 1] for i in 0..<20.
        let expected: [Float] = (0..<8).map { task in Float(20 * task + 190 + 20) }
        #expect(sums.sorted() == expected)
    }
}
