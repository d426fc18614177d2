import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

@Suite struct ZooWeightsRoundTripTests {
    static let sample: [(name: String, shape: [Int], values: [Float])] = [
        ("blocks.0.attn.qkv.weight", [2, 3], [1, -2, 0.5, 3.25, -0.125, 1024]),
        ("embed.weight", [4], [0, -0, 7, -65504]),
        ("scale", [], [2.5]),
        ("empty", [0, 3], []),
    ]

    @Test(arguments: DType.floatingPoint)
    func roundTripKeepsNamesShapesDTypesAndValues(dtype: DType) throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            for (name, shape, values) in Self.sample { try writer.write(name, makeTensor(shape, values, dtype)) }
            try writer.close()

            let weights = try ZooWeights(contentsOf: url)
            #expect(weights.names == Self.sample.map(\.name).sorted())
            for (name, shape, values) in Self.sample {
                #expect(weights.info(name) == TensorInfo(shape: shape, dtype: dtype))
                let tensor = try weights.tensor(name)
                #expect(tensor.shape == shape && tensor.dtype == dtype)
                #expect(tensor.toArray() == makeTensor(shape, values, dtype).toArray())
            }
        }
    }

    @Test func tensorsAreViewsIntoOneAlignedMapping() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            for (name, shape, values) in Self.sample { try writer.write(name, makeTensor(shape, values, .float32)) }
            try writer.close()

            let weights = try ZooWeights(contentsOf: url)
            let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
            let storages = try weights.names.map { try weights.tensor($0).storage }
            #expect(storages.allSatisfy { $0 === storages[0] })
            let mapping = storages[0]
            #expect(!mapping.isWritable && mapping.byteCount == fileSize)
            for name in weights.names where weights.info(name)!.count > 0 {
                let tensor = try weights.tensor(name)
                #expect(tensor.byteOffset % 64 == 0)
                #expect(tensor.byteOffset + tensor.byteCount <= mapping.byteCount)
                #expect(tensor.rawPointer == UnsafeRawPointer(mapping.base + tensor.byteOffset))
            }
        }
    }

    /// Block-type tensors keep their bytes; they come back as aligned views of the mapping with their logical shape.
    @Test func blockTypesRoundTripAsTheirBytes() throws {
        let source = Tensor(shape: [3, 64], values: (0..<192).map { Float($0 % 29) / 7 - 2 })
        let tensors: [(String, Tensor)] = [
            ("q8_0", source.converted(to: .q8_0)),
            ("q4_0.cube", source.reshaped([3, 2, 32]).converted(to: .q4_0)),
            ("q4_1.row", source.converted(to: .q4_1).row(2)),
            ("q4_1.empty", Tensor(zeros: [0, 64]).converted(to: .q4_1)),
            ("norm", makeTensor([2], [1, -1], .float32)),
        ]
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            for (name, tensor) in tensors { try writer.write(name, tensor) }
            try writer.close()

            let weights = try ZooWeights(contentsOf: url)
            #expect(weights.names == tensors.map(\.0).sorted())
            let mapping = try weights.tensor("norm").storage
            for (name, written) in tensors {
                #expect(weights.info(name) == TensorInfo(shape: written.shape, dtype: written.dtype), "\(name)")
                let read = try weights.tensor(name)
                #expect(read.storage === mapping && (read.count == 0 || read.byteOffset % 64 == 0), "\(name)")
                let bytes = { (t: Tensor) in Array(UnsafeRawBufferPointer(start: t.rawPointer, count: t.byteCount)) }
                #expect(bytes(read) == bytes(written) && read.toArray() == written.toArray(), "\(name)")
            }
        }
    }

    /// A finished weights file holding one float32 tensor "a", in `directory`.
    private func oneTensorFile(in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("weights.h5")
        let writer = try ZooWeightsWriter(creating: url)
        try writer.write("a", makeTensor([1], [1], .float32))
        try writer.close()
        return url
    }

    /// libhdf5 locks the files it opens unless told not to, so any other open of a file that holds a lock made
    /// opening it fail ("unable to lock file"; the full suite once hit this, likely through a process started
    /// while the file was open, since libhdf5's descriptors are not closed on exec). Zoo needs no such locks (a
    /// model is written in a staging folder and renamed into place): a finished file reads even while another open
    /// of it holds one.
    @Test func aFileLockedByAnotherOpenStillReads() throws {
        try withTemporaryDirectory { directory in
            let url = try oneTensorFile(in: directory)
            let other = open(url.path, O_RDONLY | O_CLOEXEC)
            #expect(other >= 0)
            defer { close(other) }
            #expect(flock(other, LOCK_EX | LOCK_NB) == 0)
            #expect(try ZooWeights(contentsOf: url).names == ["a"])
        }
    }

    /// Opening for a model about to run reads the whole file through its mapping, in one pass; opening for the
    /// metadata alone (`zoo list`) reads only what libhdf5 reads, which it reads through the same mapping: of a file
    /// whose pages were dropped, at most a few 2 MB stretches of its 16 MB come in.
    @Test func openingReadsTheWholeFileOnlyForAModelThatRuns() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            try writer.write("a", Tensor(zeros: [4 << 20]))
            try writer.close()
            let file = open(url.path, O_RDONLY | O_CLOEXEC)
            try #require(file >= 0)
            defer { close(file) }
            for readingAll in [false, true] {
                #expect(fsync(file) == 0 && posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED) == 0)
                let dropped = try residentPages(file)
                try #require(dropped.resident < dropped.total / 8, "the file's pages stayed cached: nothing to test")
                let weights = try ZooWeights(contentsOf: url, readingAll: readingAll)
                let opened = try residentPages(file)
                if readingAll {
                    #expect(opened.resident == opened.total)
                } else {
                    #expect(opened.resident < opened.total / 2, "\(opened.resident) of \(opened.total) pages")
                }
                #expect(weights.names == ["a"] && weights.info("a")?.shape == [4 << 20])
            }
        }
    }

    @Test func unknownTensorIsAnError() throws {
        try withTemporaryDirectory { directory in
            let url = try oneTensorFile(in: directory)
            let weights = try ZooWeights(contentsOf: url)
            let error = #expect(throws: FormatError.self) { try weights.tensor("b") }
            #expect(error?.description == "\(url.path): tensor \"b\": no such tensor")
        }
    }
}
