import Foundation
import Testing
@testable import Zoo

/// The zoo's integrity: verification against the manifest, the per-name write lock, atomic removal.
@Suite struct IntegrityTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }
    var folder: URL { zooFolder.appendingPathComponent("m") }

    init() throws {
        try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
    }

    func mismatches() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try zoo.model(named: "m").verify().map { ($0.file, $0.kind) })
    }

    @Test func anIntactModelVerifies() throws {
        #expect(try mismatches().isEmpty)
    }

    /// The converter drops the pages it wrote from the page cache, so that the first load reads them back in huge
    /// pages (DurableFiles.sync). tmpfs keeps files only in the page cache, so there the advice cannot be taken.
    @Test(.enabled(if: !isOnTmpfs(FileManager.default.temporaryDirectory), "the temporary folder is on tmpfs"))
    func theConvertedWeightsAreNotLeftInThePageCache() throws {
        let weights = folder.appendingPathComponent("weights.h5")
        let descriptor = open(weights.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let size = Int(lseek(descriptor, 0, SEEK_END))
        let mapping = try #require(mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0))
        defer { munmap(mapping, size) }
        let pages = (size + 4095) / 4096
        var resident = [UInt8](repeating: 0, count: pages)
        try #require(mincore(mapping, size, &resident) == 0)
        #expect(resident.filter { $0 & 1 != 0 }.count == 0, "\(pages) pages")
    }

    @Test func verificationNamesAChangedAMissingAndAnExtraFile() throws {
        // Same size, one byte different: only the hash can tell.
        let weights = folder.appendingPathComponent("weights.h5")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("merges.txt"))
        try Data("{}".utf8).write(to: folder.appendingPathComponent("stray.json"))
        #expect(try mismatches() == ["weights.h5": "changed", "merges.txt": "missing", "stray.json": "extra"])
    }

    @Test func aSecondWriterOfTheSameNameFailsAtOnceNamingTheHolder() throws {
        let held = try ModelLock(zoo: zooFolder, name: "m", purpose: "converting")
        do {
            try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m", force: true))
            Issue.record("a second conversion ran while the name was locked")
        } catch {
            #expect("\(error)".contains(".lock-m") && "\(error)".contains("process \(getpid())"), "\(error)")
        }
        #expect(throws: ZooError.self) { try zoo.remove(named: "m") }
        held.release()
        // Another name is not blocked, and the released name is free again.
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "other"))
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "m", force: true))
        let hidden = try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "\(hidden)")
    }

    @Test func leftoversOfADeadWriterAreCleanedByTheNextWrite() throws {
        // A process id that is not running: the highest the kernel would never hand out.
        let dead = "\(Int32.max - 1)"
        for name in [".partial-m-\(dead)-1", ".trash-m-\(dead)-2"] {
            try FileManager.default.createDirectory(at: zooFolder.appendingPathComponent(name), withIntermediateDirectories: false)
        }
        try Data("process 1 (converting)".utf8).write(to: zooFolder.appendingPathComponent(".lock-x"))
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2"), options: .init(name: "n"))
        let hidden = try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "\(hidden)")
    }

    @Test func replacingAModelKeepsTheNameWholeAndLeavesNoTrash() throws {
        try Converter(zoo: zoo).convert(fixture("tiny-gpt2-untied-f16"), options: .init(name: "m", force: true))
        #expect(try zoo.model(named: "m").metadata().dtype == "float16")
        #expect(try mismatches().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: zooFolder.path) == ["m"])
    }

    @Test func removingAModelLeavesNothingBehind() throws {
        try zoo.remove(named: "m")
        #expect((try? zoo.model(named: "m")) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).isEmpty)
        #expect(throws: ZooError.self) { try zoo.remove(named: "m") }
    }

    @Test func aModelShippedInTheSourceTreeIsNotRemoved() throws {
        let zoo = ModelZoo(folders: [zooFolder, ModelZoo.bundledModels])
        do {
            try zoo.remove(named: "tiny-gpt2-random")
            Issue.record("a bundled model was removed")
        } catch {
            #expect("\(error)".contains("ships with Zoo") && "\(error)".contains("Models"), "\(error)")
        }
        #expect((try? zoo.model(named: "tiny-gpt2-random")) != nil)
    }
}

/// Whether `url` is on tmpfs: the file system of the longest mount point in /proc/mounts that holds it.
func isOnTmpfs(_ url: URL) -> Bool {
    guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return false }
    let path = url.resolvingSymlinksInPath().path
    var best: (point: String, type: String) = ("", "")
    for line in mounts.split(separator: "\n") {
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count > 2 else { continue }
        let point = fields[1]
        let holds = point == "/" || path == point || path.hasPrefix(point + "/")
        if holds && point.count > best.point.count { best = (point, fields[2]) }
    }
    return best.type == "tmpfs"
}
