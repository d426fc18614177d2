import Foundation
import Testing
import Zoo

/// Hostile sizes through `zoo convert`: one line naming the file and the limit, exit 1, the zoo untouched.
@Suite struct LimitsCLITests {
    let cli = CLITests()

    func scratch() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-limits-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func expectRefused(_ source: URL, naming file: String, _ problem: String) throws {
        let run = try cli.zoo("convert", source.path, "--name", "m")
        cli.expectOneLineError(run, containing: problem)
        #expect(run.stderr.contains(file), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.zooFolder.path).isEmpty)
    }

    @Test func aConfigDeclaringABillionLayers() throws {
        let folder = scratch().appendingPathComponent("hf")
        try FileManager.default.copyItem(at: CLITests.fixtures.appendingPathComponent("tiny-gpt2"), to: folder)
        let url = folder.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        config["n_layer"] = 1_000_000_000
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        try expectRefused(folder, naming: url.path, "n_layer 1000000000 is beyond the limit of 1024 layers")
    }

    @Test func aSafetensorsTensorOfThirtyThreeDimensions() throws {
        let folder = scratch().appendingPathComponent("hf")
        try FileManager.default.copyItem(at: CLITests.fixtures.appendingPathComponent("tiny-gpt2"), to: folder)
        let url = folder.appendingPathComponent("model.safetensors")
        var header = Data(#"{"t":{"dtype":"F32","shape":\#([Int](repeating: 1, count: 33)),"data_offsets":[0,4]}}"#.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var length = UInt64(header.count).littleEndian
        try (Data(bytes: &length, count: 8) + header + Data(count: 4)).write(to: url)
        try expectRefused(folder, naming: url.path, "rank 33 is beyond the limit of 32 dimensions")
    }

    @Test func aGGUFWithMoreMetadataKeysThanTheLimit() throws {
        let url = scratch().appendingPathComponent("many-keys.gguf")
        var bytes = Data("GGUF".utf8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt32(3))
        append(UInt64(0))
        append(UInt64(65_537))
        bytes.append(Data(count: 65_537 * 13))
        try bytes.write(to: url)
        try expectRefused(url, naming: url.path, "metadata count 65537 is beyond the limit of 65536 keys")
    }
}
