import Foundation
import Testing
@testable import ZooFormats

/// Checkpoints a reader must refuse, made by Tools/make_pytorch_fixtures.py: malicious pickles (each checked there
/// to run its command under torch.load), the legacy format, compressed entries, an unknown opcode, views that run
/// past their storage. Each is one FormatError naming the file and the problem; nothing runs.
@Suite struct PickleBadInputTests {
    func refusal(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let url = fixture("pytorch/\(name)")
        let error = #expect(throws: FormatError.self, sourceLocation: sourceLocation) { try PyTorchFile(contentsOf: url) }
        let description = error?.description ?? ""
        #expect(description.hasPrefix(url.path + ": "), "\(description)", sourceLocation: sourceLocation)
        return description
    }

    /// The command each malicious file runs under Python creates this marker; the fixture script's markers.
    func marker(_ name: String) -> URL { URL(fileURLWithPath: "/tmp/zoo-pickle-ran-\(name)") }

    @Test(arguments: [("os-system", "posix.system (GLOBAL)"), ("builtins-eval", "builtins.eval (GLOBAL)"),
                      ("subprocess-in-state-dict", "commands.Popen (GLOBAL)"),
                      ("inst-os-system", "os.system (INST)")])
    func aPickleThatWouldRunACommandIsRefusedByNameAndNothingRuns(_ name: String, _ refused: String) throws {
        try? FileManager.default.removeItem(at: marker(name))
        let message = refusal("malicious-\(name).bin")
        #expect(message.contains("refuses \(refused)") && message.contains("nothing in it was run"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: marker(name).path))
    }

    @Test func theLegacyFormatSaysToSaveAgain() {
        let message = refusal("legacy.bin")
        #expect(message.contains("legacy PyTorch format") && message.contains("save it again"))
    }

    @Test func aCompressedEntryIsRefusedByName() {
        let message = refusal("compressed.bin")
        #expect(message.contains("entry \"views-p2/data.pkl\" is compressed (deflate)"), "\(message)")
    }

    @Test func anUnknownOpcodeIsNamedWithItsPlace() {
        #expect(refusal("unknown-opcode.bin").contains("views-p2/data.pkl, byte 2: unknown opcode 0xff"))
    }

    @Test func stridesThatRunPastTheStorageAreRefused() {
        let message = refusal("strides-past-storage.bin")
        #expect(message.contains("tensor \"w\": sizes [3, 4] with strides [5, 1] from offset 0 reach element 13, past the end of its storage of 12 elements"), "\(message)")
    }

    /// One element expanded (stride 0) to 2^40: torch makes it without memory, a reader that copies cannot.
    @Test func aViewRepeatingItsStorageBeyondTheLimitIsRefused() {
        #expect(refusal("expanded-too-far.bin").contains("make 1099511627776 elements out of the 1 of its storage, more than the limit of 16777216"))
    }

    @Test func aStorageWhoseEntryHasAnotherSizeIsRefused() {
        #expect(refusal("storage-size-mismatch.bin")
            .contains("storage 0 should hold 16 float32 elements but its entry has 48 bytes"))
    }

    @Test func aMissingStorageIsNamed() {
        #expect(refusal("missing-storage.bin").contains("its storage archive/data/0 is missing from the archive"))
    }

    @Test func aPickleThatIsNotAStateDictIsRefused() {
        #expect(refusal("not-a-state-dict.bin").contains("the pickle holds a list, not a state dict"))
    }

    @Test func aFileThatIsNotAnArchiveIsRefused() throws {
        for (bytes, problem) in [([UInt8](), "truncated: 0 bytes"), (Array("{\"a\": 1}".utf8), "not a PyTorch checkpoint")] {
            let error = #expect(throws: FormatError.self) { try PyTorchFile(bytes: bytes, path: "x.bin") }
            #expect(error?.description.hasPrefix("x.bin: \(problem)") == true, "\(String(describing: error))")
        }
    }
}
