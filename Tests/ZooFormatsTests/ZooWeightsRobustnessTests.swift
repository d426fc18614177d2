import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// Damaged files beyond the conformance cases: every truncation and every single-byte corruption of a valid file
/// must give an error or a file that still reads — never a crash or a hang.
@Suite struct ZooWeightsRobustnessTests {
    /// A small valid file from the writer, and the byte ranges of its tensor data.
    func validFile(in directory: URL) throws -> (bytes: Data, data: [Range<Int>]) {
        let url = directory.appendingPathComponent("valid.h5")
        let writer = try ZooWeightsWriter(creating: url)
        try writer.write("a", makeTensor([2, 3], [1, 2, 3, 4, 5, 6], .float32))
        try writer.write("b", makeTensor([4], [1, 2, 3, 4], .bfloat16))
        try writer.write("c", makeTensor([], [7], .float16))
        try writer.write("d", Tensor(shape: [2, 32], values: (0..<64).map { Float($0) / 8 }).converted(to: .q4_1))
        try writer.close()
        let weights = try ZooWeights(contentsOf: url)
        let ranges = try weights.names.map { name in
            let tensor = try weights.tensor(name)
            return tensor.byteOffset..<(tensor.byteOffset + tensor.byteCount)
        }
        return (try Data(contentsOf: url), ranges)
    }

    @Test func everyTruncationIsRefused() throws {
        try withTemporaryDirectory { directory in
            let (bytes, _) = try validFile(in: directory)
            let url = directory.appendingPathComponent("cut.h5")
            for length in 0..<bytes.count {
                try bytes.prefix(length).write(to: url)
                #expect(throws: FormatError.self, "length \(length)") { try ZooWeights(contentsOf: url) }
            }
        }
    }

    /// Metadata is checksummed: a corrupt byte is accepted only in tensor data (whose values then differ) or in
    /// bytes no structure uses, which the writer leaves zero (alignment padding, unused metadata space).
    @Test func everyCorruptionOfMetadataIsRefused() throws {
        try withTemporaryDirectory { directory in
            let (bytes, dataRanges) = try validFile(in: directory)
            let url = directory.appendingPathComponent("corrupt.h5")
            for position in bytes.indices {
                var corrupt = bytes
                corrupt[position] ^= 0xA5
                try corrupt.write(to: url)
                let inData = dataRanges.contains { $0.contains(position) }
                do {
                    let weights = try ZooWeights(contentsOf: url)
                    #expect(weights.names == ["a", "b", "c", "d"], "byte \(position)")
                    #expect(inData || bytes[position] == 0, "corrupt metadata byte \(position) accepted")
                } catch {
                    #expect(!inData, "byte \(position) of tensor data: \(error)")
                }
            }
        }
    }

    @Test func missingFileAndDirectoryAreFormatErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("absent.h5")
            let error = #expect(throws: FormatError.self) { try ZooWeights(contentsOf: missing) }
            #expect(error?.description == "\(missing.path): No such file or directory")
            let folder = #expect(throws: FormatError.self) { try ZooWeights(contentsOf: directory) }
            #expect(folder?.description == "\(directory.path): not a regular file")
        }
    }
}
