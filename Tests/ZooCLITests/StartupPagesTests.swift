import Foundation
import Testing
@testable import zoo

/// The code pages a generating `zoo` drops once its model is loaded: which mappings, and that dropping them frees
/// resident memory and keeps the process running.
@Suite struct StartupPagesTests {
    /// A zoo process's mappings as smaps lists them (fields the selection does not read left out).
    static let smaps = """
        00400000-033fd000 r-xp 00000000 fe:00 5318800                            /opt/zoo/bin/zoo
        Rss:                8576 kB
        Anonymous:             0 kB
        033fe000-034b2000 r--p 02ffd000 fe:00 5318800                            /opt/zoo/bin/zoo
        Rss:                 672 kB
        Anonymous:            96 kB
        VmFlags: rd mr mw me ac sd
        034b2000-05981000 rw-p 030b1000 fe:00 5318800                            /opt/zoo/bin/zoo
        Anonymous:           176 kB
        1fa00000-1fe4f000 rw-p 00000000 00:00 0                                  [heap]
        Anonymous:         14700 kB
        7f4b7d000000-7f4b82e00000 r--p 00000000 fe:00 401                        /home/a user/zoo models/gpt2/weights.h5
        Anonymous:             0 kB
        7f7d2421e000-7f7d24244000 r--p 00000000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Anonymous:             0 kB
        7f7d24244000-7f7d2439a000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Anonymous:             0 kB
        7f7d243ed000-7f7d243f1000 r--p 001cf000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Anonymous:            16 kB
        7f7d243f1000-7f7d243f3000 rw-p 001d3000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Anonymous:             8 kB
        7ffd949c7000-7ffd949e8000 rw-p 00000000 00:00 0                          [stack]
        Anonymous:           132 kB
        7ffd949f0000-7ffd949f2000 r-xp 00000000 00:00 0                          [vdso]
        Anonymous:             0 kB
        """

    @Test func selectsTheUnmodifiedReadOnlyMappingsOfProgramsAndLibrariesOnly() {
        let selected = StartupPages.codeMappings(in: Self.smaps)
        // The program's code, libc's code and its read-only data before the relocated part: not the relocated
        // (copied-on-write) read-only data, the writable data, the weights (no code of theirs is mapped), the heap,
        // the stack or the vDSO.
        #expect(selected == [0x400000..<0x33fd000, 0x7f7d2421e000..<0x7f7d24244000, 0x7f7d24244000..<0x7f7d2439a000])
    }

    @Test func aMappingWhoseCopiedPagesAreNotListedIsLeftAlone() {
        let maps = """
            00400000-033fd000 r-xp 00000000 fe:00 5318800                            /opt/zoo/bin/zoo
            """
        #expect(StartupPages.codeMappings(in: maps).isEmpty)
    }

    /// This test process drops its own code pages and goes on running: the next read of smaps maps back only the
    /// code it runs, fewer pages than were mapped before.
    @Test func releasingFreesResidentCodeAndTheProcessRunsOn() throws {
        func residentCode() throws -> Int {
            let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
            let code = Set(StartupPages.codeMappings(in: smaps).map(\.lowerBound))
            var total = 0
            var counting = false
            for line in smaps.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if let first = fields.first, !first.hasSuffix(":") {
                    counting = UInt(first.split(separator: "-")[0], radix: 16).map(code.contains) ?? false
                } else if counting, fields.first == "Rss:", fields.count >= 2 {
                    total += Int(fields[1]) ?? 0
                }
            }
            return total
        }
        let before = try residentCode()
        StartupPages.release()
        let after = try residentCode()
        #expect(before > 0)
        #expect(after < before, "resident code \(before) kB before, \(after) kB after")
    }
}
