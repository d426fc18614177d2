import Foundation
import Testing
import ZooTensor
@testable import ZooFormats

/// Formats/conformance/cases.json, written by Tools/make_conformance.py.
struct ConformanceCases: Decodable {
    struct WeightsCase: Decodable, CustomTestStringConvertible {
        let file: String
        let expect: String
        let reason: String?
        let writer: String?
        let tensors: [ExpectedTensor]?
        var testDescription: String { file }
    }

    struct ExpectedTensor: Decodable {
        let name: String
        let shape: [Int]
        let dtype: DType
        let values: [Double]

        /// The values rounded to the dtype (for a block type, quantized), as a writer stores them.
        var tensor: Tensor { makeTensor(shape, values.map { Float($0) }, dtype) }

        /// What a reader decodes: for a block type, the values as they are (quantizing them need not give the
        /// file's blocks, which another quantizer may have written).
        var decoded: [Float] { dtype.isQuantized ? values.map { Float($0) } : tensor.toArray() }
    }

    struct ManifestCase: Decodable, CustomTestStringConvertible {
        let folder: String
        let expect: String
        let mismatches: [String: String]?
        var testDescription: String { folder }
    }

    let weights: [WeightsCase]
    let manifests: [ManifestCase]

    static let folder = formatsFolder.appendingPathComponent("conformance")

    static func load() throws -> ConformanceCases {
        try JSONDecoder().decode(ConformanceCases.self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))
    }

    /// For test arguments, which cannot throw; `casesCoverEveryConformanceFile` reports a file that does not load.
    static let loaded = try? load()
}

extension ManifestMismatch.Reason {
    /// The words cases.json uses.
    var keyword: String {
        switch self {
        case .missing: "missing"
        case .unlisted: "unlisted"
        case .size: "size"
        case .sha256: "sha256"
        }
    }
}

@Suite struct ConformanceTests {
    @Test func casesCoverEveryConformanceFile() throws {
        let cases = try ConformanceCases.load()
        let listed = cases.weights.map(\.file) + cases.manifests.map(\.folder)
        let present = try FileManager.default.contentsOfDirectory(atPath: ConformanceCases.folder.path)
            .filter { $0 != "cases.json" }
        #expect(listed.sorted() == present.sorted())
        #expect(Set(listed).count == listed.count)
    }

    @Test(arguments: ConformanceCases.loaded?.weights ?? [])
    func weightsCase(_ testCase: ConformanceCases.WeightsCase) throws {
        let url = ConformanceCases.folder.appendingPathComponent(testCase.file)
        switch testCase.expect {
        case "valid":
            let expected = try #require(testCase.tensors)
            let weights = try ZooWeights(contentsOf: url)
            #expect(weights.names == expected.map(\.name).sorted())
            for tensor in expected {
                #expect(weights.info(tensor.name) == TensorInfo(shape: tensor.shape, dtype: tensor.dtype), "\(tensor.name)")
                let read = try weights.tensor(tensor.name)
                // Bit patterns, so that -0 and 0 differ.
                #expect(read.toArray().map(\.bitPattern) == tensor.decoded.map(\.bitPattern), "\(tensor.name)")
            }
        case "invalid":
            let reason = try #require(testCase.reason)
            let error = #expect(throws: FormatError.self) { try ZooWeights(contentsOf: url) }
            let description = error?.description ?? ""
            #expect(description.hasPrefix(url.path + ": ") && description.contains(reason), "\(description)")
        default:
            Issue.record("unknown expectation \(testCase.expect)")
        }
    }

    @Test(arguments: ConformanceCases.loaded?.manifests ?? [])
    func manifestCase(_ testCase: ConformanceCases.ManifestCase) throws {
        let folder = ConformanceCases.folder.appendingPathComponent(testCase.folder)
        let manifest = try Manifest(contentsOf: folder.appendingPathComponent(Manifest.fileName))
        let mismatches = try manifest.verify(folder: folder)
        let found = Dictionary(uniqueKeysWithValues: mismatches.map { ($0.file, $0.reason.keyword) })
        #expect(found == testCase.mismatches ?? [:])
        #expect((testCase.expect == "valid") == mismatches.isEmpty)
        if testCase.expect == "valid" {
            #expect(try Manifest(building: folder) == manifest)
        }
    }

    /// Writes the Swift writer's cases and compares them with the committed files, which Tools/make_conformance.py
    /// checked with h5py: so the writer's current output is what h5py was shown to read. With
    /// ZOO_REGENERATE_CONFORMANCE=1 (set by that script) it replaces the committed files first.
    @Test func swiftWriterReproducesItsConformanceFile() throws {
        let cases = try ConformanceCases.load().weights.filter { $0.writer == "swift" }
        #expect(cases.count == 2)
        for testCase in cases {
            let committed = ConformanceCases.folder.appendingPathComponent(testCase.file)
            try withTemporaryDirectory { directory in
                let url = directory.appendingPathComponent("weights.h5")
                let writer = try ZooWeightsWriter(creating: url)
                for tensor in try #require(testCase.tensors) { try writer.write(tensor.name, tensor.tensor) }
                try writer.close()
                let written = try Data(contentsOf: url)
                if ProcessInfo.processInfo.environment["ZOO_REGENERATE_CONFORMANCE"] == "1" {
                    try written.write(to: committed)
                }
                #expect(written == (try Data(contentsOf: committed)),
                        "ZooWeightsWriter's output for \(testCase.file) changed: regenerate with Tools/make_conformance.py and review")
            }
        }
    }
}
