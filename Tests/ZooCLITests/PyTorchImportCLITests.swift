import Foundation
import Testing

/// `zoo convert` on PyTorch folders, run as a user runs it: a good one converts, a malicious one exits non-zero
/// with one line naming the file and the refused name, and its command never runs.
@Suite struct PyTorchImportCLITests {
    let cli = CLITests()

    /// tiny-gpt2's config and tokenizer with `bin` (a file under Fixtures/pytorch) as pytorch_model.bin.
    func folder(bin: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cli-pt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let gpt2 = CLITests.fixtures.appendingPathComponent("tiny-gpt2")
        for file in ["config.json", "tokenizer.json", "vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(at: gpt2.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try FileManager.default.copyItem(at: CLITests.fixtures.appendingPathComponent("pytorch/\(bin)"),
                                         to: folder.appendingPathComponent("pytorch_model.bin"))
        return folder
    }

    @Test func aPyTorchFolderConvertsAndGenerates() throws {
        let convert = try cli.zoo("convert", try folder(bin: "tiny-gpt2.bin").path, "--name", "pt")
        #expect(convert.status == 0, "\(convert.stderr)")
        let generate = try cli.zoo("generate", "pt", "Once upon a time", "--max-new-tokens", "4")
        #expect(generate.status == 0, "\(generate.stderr)")
    }

    @Test func aMaliciousPickleExitsNonZeroAndRunsNothing() throws {
        let marker = URL(fileURLWithPath: "/tmp/zoo-pickle-ran-os-system")
        try? FileManager.default.removeItem(at: marker)
        let source = try folder(bin: "malicious-os-system.bin")
        let run = try cli.zoo("convert", source.path, "--name", "evil")
        cli.expectOneLineError(run, containing: source.appendingPathComponent("pytorch_model.bin").path
            + ": archive/data.pkl, byte 2: refuses posix.system (GLOBAL)")
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(try cli.zoo("list").stdout.isEmpty)
    }
}
