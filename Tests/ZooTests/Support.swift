import Foundation
import ZooTensor
@testable import Zoo

/// A fresh empty folder under the system's temporary folder, removed by the caller when done.
func temporaryFolder(_ label: String = "zoo-test") -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The committed fixture folder `name` (a Hugging Face model folder, or a file).
func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
}

/// A copy of fixture folder `name` that a test may change.
func copyOfFixture(_ name: String) -> URL {
    let copy = temporaryFolder(name)
    try? FileManager.default.removeItem(at: copy)
    try! FileManager.default.copyItem(at: fixture(name), to: copy)
    return copy
}

/// Writes a float32 safetensors file (header as the format specifies: u64 length, JSON, data).
func writeSafetensors(_ tensors: [(name: String, shape: [Int], values: [Float])], to url: URL) throws {
    var header: [String: Any] = [:]
    var data = Data()
    for tensor in tensors {
        let begin = data.count
        tensor.values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [begin, data.count]]
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var length = UInt64(json.count).littleEndian
    var file = Data(bytes: &length, count: 8)
    file.append(json)
    file.append(data)
    try file.write(to: url)
}

/// The largest absolute difference between two equally long sequences.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The reference outputs that Tools/make_gpt2_fixtures.py recorded with transformers.
struct ExpectedOutputs: Decodable {
    struct Case: Decodable {
        let prompt: String
        let prompt_ids: [Int]
        let logits: [[Float]]
        let greedy_ids: [Int]
        let greedy_text: String
    }

    let model: String
    let max_new_tokens: Int
    let tolerance: Float
    let cases: [Case]

    static func load(_ model: String) throws -> ExpectedOutputs {
        try JSONDecoder().decode(ExpectedOutputs.self, from: Data(contentsOf: fixture("\(model).expected.json")))
    }
}

/// Converts the fixture `name` (a folder or a file) into a fresh zoo and loads it.
func convertedFixture(_ name: String, dtype: DType? = nil, options: LoadOptions = LoadOptions()) throws -> (LoadedModel, URL) {
    let folder = temporaryFolder()
    let stored = try Converter(zoo: ModelZoo(folders: [folder])).convert(fixture(name), options: .init(name: "m", dtype: dtype))
    return (try stored.load(options), folder)
}
