import Foundation
import Testing
@testable import ZooFuzzing

/// The fuzzer's findings, kept: every saved input goes through its harness again and must be refused cleanly.
@Suite struct FuzzRegressionTests {
    static let regressions = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("fuzz-regressions")

    static var cases: [String] {
        let manager = FileManager.default
        return ((try? manager.contentsOfDirectory(atPath: regressions.path)) ?? []).sorted().flatMap { harness in
            ((try? manager.contentsOfDirectory(atPath: regressions.appendingPathComponent(harness).path)) ?? [])
                .sorted().map { "\(harness)/\($0)" }
        }
    }

    @Test(arguments: cases)
    func aSavedFindingIsRefusedNamingTheFile(_ path: String) throws {
        let harnessName = String(path.split(separator: "/")[0])
        let harness = try #require(Harness.named(harnessName), "no harness \(harnessName)")
        let input = try Data(contentsOf: Self.regressions.appendingPathComponent(path))
        let workspace = try Workspace()
        defer { workspace.remove() }
        do {
            try harness.run(input, in: workspace)
            Issue.record("\(path) was accepted")
        } catch {
            #expect("\(error)".contains(workspace.folder.path), "\(path): \(error)")
        }
    }

    @Test func anInputIsMadeAgainExactlyFromItsSeedAndIndex() {
        let mutator = Mutator(corpus: [Data("{\"model_type\": \"gpt2\", \"n_embd\": 32}".utf8), Data(repeating: 7, count: 300)])
        for index in UInt64(0)..<200 {
            #expect(mutator.input(seed: 42, index: index) == mutator.input(seed: 42, index: index))
        }
        let distinct = Set((UInt64(0)..<200).map { mutator.input(seed: 42, index: $0) })
        #expect(distinct.count > 150)
    }

    @Test func everyParserOfOutsideBytesHasAHarness() {
        let names = Set(Harness.all.map(\.name))
        #expect(names.isSuperset(of: ["config", "tokenizer-json", "vocab-txt", "vocab-merges", "safetensors", "gguf",
                                      "weights-h5"]))
    }
}
