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

    @Test(arguments: DType.allCases)
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

    @Test func unknownTensorIsAnError() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let writer = try ZooWeightsWriter(creating: url)
            try writer.write("a", makeTensor([1], [1], .float32))
            try writer.close()
            let weights = try ZooWeights(contentsOf: url)
            let error = #expect(throws: FormatError.self) { try weights.tensor("b") }
            #expect(error?.description == "\(url.path): tensor \"b\": no such tensor")
        }
    }
}
