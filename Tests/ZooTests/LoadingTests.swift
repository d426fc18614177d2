import Foundation
import Testing
@testable import Zoo

/// Bad input when loading from the zoo: damaged files are refused with the file named.
@Suite struct LoadingTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    init() throws {
        try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
    }

    var weights: URL { zooFolder.appendingPathComponent("m/weights.h5") }

    func loadError() -> String {
        do {
            _ = try zoo.model(named: "m").load()
            Issue.record("the damaged model loaded")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aModelThatIsNotInTheZooIsNamed() {
        #expect(throws: ZooError.self) { try zoo.model(named: "nope") }
        #expect((try? zoo.model(named: "nope")) == nil)
        do { _ = try zoo.model(named: "nope") } catch { #expect("\(error)".contains("no model named \"nope\"")) }
    }

    @Test func aTruncatedWeightsFileIsRefused() throws {
        let handle = try FileHandle(forWritingTo: weights)
        try handle.truncate(atOffset: 4000)
        try handle.close()
        let message = loadError()
        #expect(message.contains("weights.h5"))
    }

    @Test func aCorruptWeightsFileIsRefusedEvenWithAMatchingManifest() throws {
        var bytes = try Data(contentsOf: weights)
        for i in 0..<512 { bytes[i] = UInt8(truncatingIfNeeded: i &* 37) }
        try bytes.write(to: weights)
        // Rewrite the manifest so that only the weights file itself can reveal the damage.
        let folder = zooFolder.appendingPathComponent("m")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("manifest.json"))
        try Manifest(building: folder).write(to: folder.appendingPathComponent("manifest.json"))
        #expect(loadError().contains("weights.h5"))
    }

    @Test func weightsThatDisagreeWithTheConfigAreRefused() throws {
        let folder = zooFolder.appendingPathComponent("m")
        let config = folder.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        #expect(text.contains("\"n_positions\": 64"))
        try text.replacingOccurrences(of: "\"n_positions\": 64", with: "\"n_positions\": 32").write(to: config, atomically: true, encoding: .utf8)
        try Manifest(building: folder).write(to: folder.appendingPathComponent("manifest.json"))
        let message = loadError()
        #expect(message.contains("weights.h5") && message.contains("position_embedding.weight") && message.contains("[32, 32]"))
    }

    @Test func aFileThatDisagreesWithTheManifestIsNamed() throws {
        let folder = zooFolder.appendingPathComponent("m")
        try Data("extra".utf8).write(to: folder.appendingPathComponent("vocab.json"), options: .atomic)
        #expect(loadError().contains("vocab.json"))
    }

    @Test func aMissingTokenizerFileIsNamed() throws {
        let folder = zooFolder.appendingPathComponent("m")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("tokenizer.json"))
        #expect(loadError().contains("tokenizer.json"))
    }
}
