import Crypto
import Foundation
import Testing
@testable import ZooFormats

@Suite struct ManifestTests {
    /// A model folder: small files and one of a few megabytes, so hashing crosses its chunk boundaries.
    func makeFolder(in directory: URL) throws -> URL {
        let folder = directory.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"model_type": "tiny"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data((0..<(2_621_443)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
            .write(to: folder.appendingPathComponent("weights.h5"))
        try Data().write(to: folder.appendingPathComponent("empty.txt"))
        return folder
    }

    @Test func hashesMatchOneShotSHA256() throws {
        try withTemporaryDirectory { directory in
            let folder = try makeFolder(in: directory)
            let manifest = try Manifest(building: folder)
            #expect(manifest.files.keys.sorted() == ["config.json", "empty.txt", "weights.h5"])
            for (name, entry) in manifest.files {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                let expected = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                #expect(entry == Manifest.Entry(size: data.count, sha256: expected), "\(name)")
            }
            #expect(manifest.files["empty.txt"]?.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        }
    }

    /// Whether the temporary directory's file system takes direct reads (tmpfs does not).
    static let directReadsWork: Bool = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-direct-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(count: 4096)) else { return false }
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY | openDirect)
        if descriptor >= 0 { close(descriptor) }
        return descriptor >= 0
    }()

    /// Hashing reads the disk past the page cache: a file whose pages were dropped is hashed right and stays out of
    /// the cache, so that a model mapping it later gets its 2 MB pages.
    @Test(.enabled(if: directReadsWork)) func hashingLeavesTheFileOutOfThePageCache() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("weights.h5")
            let data = Data((0..<(8 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) })
            try data.write(to: url)
            let file = open(url.path, O_RDONLY | O_CLOEXEC)
            try #require(file >= 0)
            defer { close(file) }
            #expect(fsync(file) == 0 && posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED) == 0)
            try #require(try residentPages(file).resident < 64, "the file's pages stayed cached: nothing to test")
            let entry = try hashFile(url)
            #expect(entry.size == data.count)
            #expect(entry.sha256 == SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
            #expect(try residentPages(file).resident < 64)
        }
    }

    @Test func writtenManifestReadsBackAndIsExcludedFromItself() throws {
        try withTemporaryDirectory { directory in
            let folder = try makeFolder(in: directory)
            let url = folder.appendingPathComponent(Manifest.fileName)
            let manifest = try Manifest(building: folder)
            try manifest.write(to: url)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            #expect(json["format"] as? String == "zoo-manifest" && json["version"] as? Int == 1)
            #expect(try Manifest(contentsOf: url) == manifest)
            #expect(try Manifest(building: folder) == manifest)
            #expect(try manifest.check(folder: folder).isEmpty)
            #expect(try manifest.verify(folder: folder).isEmpty)
        }
    }

    @Test func checkFindsSizesAndFileSetsAndVerifyAlsoFindsContent() throws {
        try withTemporaryDirectory { directory in
            let folder = try makeFolder(in: directory)
            let manifest = try Manifest(building: folder)
            let weights = folder.appendingPathComponent("weights.h5")
            var data = try Data(contentsOf: weights)
            data[1_500_000] ^= 1
            try data.write(to: weights)
            #expect(try manifest.check(folder: folder).isEmpty, "a same-size change needs hashing to be found")
            #expect(try manifest.verify(folder: folder) == [
                ManifestMismatch(file: "weights.h5", reason: .sha256(expected: manifest.files["weights.h5"]!.sha256,
                                                                    actual: try Manifest(building: folder).files["weights.h5"]!.sha256)),
            ])

            try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
            try FileManager.default.removeItem(at: folder.appendingPathComponent("empty.txt"))
            try Data("x".utf8).write(to: folder.appendingPathComponent("extra.bin"))
            let expected: [ManifestMismatch] = [
                ManifestMismatch(file: "config.json", reason: .size(expected: 22, actual: 2)),
                ManifestMismatch(file: "empty.txt", reason: .missing),
                ManifestMismatch(file: "extra.bin", reason: .unlisted),
            ]
            #expect(try manifest.check(folder: folder) == expected)
            #expect(try manifest.verify(folder: folder).map(\.file) == ["config.json", "empty.txt", "extra.bin", "weights.h5"])
            #expect(expected.map(\.description) == [
                "config.json: 2 bytes, the manifest says 22",
                "empty.txt: listed in the manifest but missing",
                "extra.bin: not listed in the manifest",
            ])
        }
    }

    @Test func buildRefusesASubfolder() throws {
        try withTemporaryDirectory { directory in
            let folder = try makeFolder(in: directory)
            let nested = folder.appendingPathComponent("nested")
            try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: false)
            let error = #expect(throws: FormatError.self) { try Manifest(building: folder) }
            #expect(error?.description == "\(nested.path): not a regular file: a model folder holds only files")
        }
    }

    static let hash = String(repeating: "ab", count: 32)
    static let badManifests: [(json: String, problem: String)] = [
        ("not json", "not a manifest: invalid JSON"),
        (#"{"format": "zoo-manifest", "version": 1}"#, #"not a manifest: missing key "files""#),
        (#"{"format": "zoo-manifest", "version": "1", "files": {}}"#, "not a manifest: version: expected Int"),
        (#"{"format": "other", "version": 1, "files": {}}"#, #"format is "other", not "zoo-manifest""#),
        (#"{"format": "zoo-manifest", "version": 2, "files": {}}"#, "unsupported manifest version 2"),
        (#"{"format": "zoo-manifest", "version": 1, "files": {"../x": {"size": 1, "sha256": "\#(hash)"}}}"#,
         #"entry "../x" is not a file name of the folder"#),
        (#"{"format": "zoo-manifest", "version": 1, "files": {"manifest.json": {"size": 1, "sha256": "\#(hash)"}}}"#,
         #"entry "manifest.json" is not a file name"#),
        (#"{"format": "zoo-manifest", "version": 1, "files": {"a": {"size": -1, "sha256": "\#(hash)"}}}"#,
         #"entry "a": size must be non-negative"#),
        (#"{"format": "zoo-manifest", "version": 1, "files": {"a": {"size": 1, "sha256": "\#(hash.uppercased())"}}}"#,
         #"entry "a": size must be non-negative and sha256 64 lowercase hex digits"#),
        (#"{"format": "zoo-manifest", "version": 1, "files": {"a": {"size": 1, "sha256": "abc"}}}"#, "64 lowercase hex"),
    ]

    @Test(arguments: badManifests.indices)
    func badManifestIsAFormatError(index: Int) throws {
        let (json, problem) = Self.badManifests[index]
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent(Manifest.fileName)
            try Data(json.utf8).write(to: url)
            let error = #expect(throws: FormatError.self) { try Manifest(contentsOf: url) }
            let description = error?.description ?? ""
            #expect(description.hasPrefix("\(url.path): ") && description.contains(problem), "\(description)")
        }
    }
}
