#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Drops the process's mapped pages of program code once a model is loaded.
///
/// Start-up runs code that a generating process never runs again (argument parsing, Foundation's and libhdf5's
/// initialisation, JSON and tokenizer loading), and the kernel maps the code in 64 KB blocks around every page that
/// runs: a Q8_0 GPT-2 process held 17 MB of its executable's pages, most of them start-up code. `MADV_DONTNEED` on a
/// mapping of a file's unmodified pages only removes them from this process's page tables (they stay in the page
/// cache), so whatever runs next maps its pages again from there.
enum StartupPages {
    static func release() {
        guard let maps = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8) else { return }
        for mapping in codeMappings(in: maps) {
            madvise(UnsafeMutableRawPointer(bitPattern: mapping.lowerBound), Int(mapping.upperBound - mapping.lowerBound),
                    MADV_DONTNEED)
        }
    }

    /// The address ranges of the read-only mappings, none of whose pages were copied on write, of files that have
    /// an executable mapping (programs and shared libraries: never a model's weights, nor the data a loader wrote).
    static func codeMappings(in smaps: String) -> [Range<UInt>] {
        struct Mapping { var range: Range<UInt>; var permissions: Substring; var file: Substring; var anonymous = -1 }
        var mappings: [Mapping] = []
        for line in smaps.split(separator: "\n") {
            // A mapping's line: range, permissions, offset, device, inode, then the file's path (which may hold spaces).
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            if fields.count >= 5, !fields[0].hasSuffix(":") {
                let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
                guard bounds.count == 2, bounds[0] < bounds[1] else { continue }
                mappings.append(Mapping(range: bounds[0]..<bounds[1], permissions: fields[1],
                                        file: fields.count == 6 ? fields[5].drop { $0 == " " } : ""))
            } else if fields.count >= 2, fields[0] == "Anonymous:", let kB = Int(fields[1]), !mappings.isEmpty {
                mappings[mappings.count - 1].anonymous = kB
            }
        }
        let programs = Set(mappings.filter { $0.file.hasPrefix("/") && $0.permissions.hasPrefix("r-x") }.map(\.file))
        return mappings.filter { mapping in
            programs.contains(mapping.file) && mapping.anonymous == 0 && !mapping.permissions.contains("w")
        }.map(\.range)
    }
}
