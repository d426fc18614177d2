#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation

/// `manifest.json`: the size and SHA-256 of every other file of a zoo model folder (Formats/zoo-checkpoint-v1.md).
public struct Manifest: Sendable, Equatable {
    public static let fileName = "manifest.json"
    static let formatName = "zoo-manifest"
    static let version = 1

    public struct Entry: Sendable, Equatable, Codable {
        public let size: Int
        /// Lowercase hexadecimal.
        public let sha256: String

        public init(size: Int, sha256: String) {
            self.size = size
            self.sha256 = sha256
        }
    }

    /// Keyed by file name within the folder.
    public let files: [String: Entry]

    public init(files: [String: Entry]) {
        self.files = files
    }

    /// Hashes every file of `folder` except the manifest. The folder must hold only regular files.
    public init(building folder: URL) throws(FormatError) {
        var files: [String: Entry] = [:]
        for name in try listFolder(folder) where name != Self.fileName {
            let url = folder.appendingPathComponent(name)
            guard isRegularFile(url) else {
                throw FormatError(path: url.path, "not a regular file: a model folder holds only files")
            }
            files[name] = try hashFile(url)
        }
        self.files = files
    }

    /// Reads and validates a manifest file.
    public init(contentsOf url: URL) throws(FormatError) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FormatError(path: path, "cannot read: \(error.localizedDescription)")
        }
        let document: Document
        do { document = try JSONDecoder().decode(Document.self, from: data) } catch {
            throw FormatError(path: path, "not a manifest: \(describe(error))")
        }
        guard document.format == Self.formatName else {
            throw FormatError(path: path, "format is \(document.format.debugDescription), not \"\(Self.formatName)\"")
        }
        guard document.version == Self.version else {
            throw FormatError(path: path,
                              "unsupported manifest version \(document.version): this reader knows \(Self.version)")
        }
        for (name, entry) in document.files {
            guard isPlainFileName(name), name != Self.fileName else {
                throw FormatError(path: path, "entry \(name.debugDescription) is not a file name of the folder")
            }
            guard entry.size >= 0, entry.sha256.count == 64,
                  entry.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw FormatError(path: path, "entry \(name.debugDescription): size must be non-negative "
                                  + "and sha256 64 lowercase hex digits")
            }
        }
        self.files = document.files
    }

    /// Writes the manifest as JSON with sorted keys, so that the same folder always gives the same bytes.
    public func write(to url: URL) throws(FormatError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(Document(format: Self.formatName, version: Self.version, files: files))
            try (data + Data("\n".utf8)).write(to: url, options: .atomic)
        } catch {
            throw FormatError(path: url.path, "cannot write: \(error.localizedDescription)")
        }
    }

    /// The cheap check: every listed file exists with its listed size, and the folder holds no other file.
    public func check(folder: URL) throws(FormatError) -> [ManifestMismatch] {
        var mismatches: [ManifestMismatch] = []
        let present = Set(try listFolder(folder)).subtracting([Self.fileName])
        for name in present.subtracting(files.keys) { mismatches.append(ManifestMismatch(file: name, reason: .unlisted)) }
        for (name, entry) in files {
            let url = folder.appendingPathComponent(name)
            guard present.contains(name), isRegularFile(url) else {
                mismatches.append(ManifestMismatch(file: name, reason: .missing))
                continue
            }
            let size = try fileSize(url)
            if size != entry.size {
                mismatches.append(ManifestMismatch(file: name, reason: .size(expected: entry.size, actual: size)))
            }
        }
        return mismatches.sorted { $0.file < $1.file }
    }

    /// The full verification: `check`, then the SHA-256 of every file whose size matched.
    public func verify(folder: URL) throws(FormatError) -> [ManifestMismatch] {
        var mismatches = try check(folder: folder)
        let differing = Set(mismatches.map(\.file))
        for (name, entry) in files.sorted(by: { $0.key < $1.key }) where !differing.contains(name) {
            let actual = try hashFile(folder.appendingPathComponent(name))
            if actual.sha256 != entry.sha256 {
                let reason = ManifestMismatch.Reason.sha256(expected: entry.sha256, actual: actual.sha256)
                mismatches.append(ManifestMismatch(file: name, reason: reason))
            }
        }
        return mismatches.sorted { $0.file < $1.file }
    }

    private struct Document: Codable {
        let format: String
        let version: Int
        let files: [String: Entry]
    }
}

/// A file of the folder that does not match the manifest.
public struct ManifestMismatch: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// Listed but absent (or not a regular file).
        case missing
        /// Present but not listed.
        case unlisted
        case size(expected: Int, actual: Int)
        case sha256(expected: String, actual: String)
    }

    public let file: String
    public let reason: Reason

    public var description: String {
        switch reason {
        case .missing: "\(file): listed in the manifest but missing"
        case .unlisted: "\(file): not listed in the manifest"
        case let .size(expected, actual): "\(file): \(actual) bytes, the manifest says \(expected)"
        case let .sha256(expected, actual): "\(file): SHA-256 \(actual), the manifest says \(expected)"
        }
    }
}

/// A name that denotes a file directly in the folder: no separators, no "." or "..".
private func isPlainFileName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
}

private func listFolder(_ folder: URL) throws(FormatError) -> [String] {
    do { return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() } catch {
        throw FormatError(path: folder.path, "cannot list the folder: \(error.localizedDescription)")
    }
}

private func isRegularFile(_ url: URL) -> Bool {
    var info = stat()
    return stat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
}

private func fileSize(_ url: URL) throws(FormatError) -> Int {
    var info = stat()
    guard stat(url.path, &info) == 0 else { throw FormatError(path: url.path, String(cString: strerror(errno))) }
    return Int(info.st_size)
}

/// O_DIRECT, which the Glibc module leaves out (glibc defines it only with _GNU_SOURCE): Linux's value for it.
#if arch(arm64) || arch(arm)
let openDirect: Int32 = 0o200000
#else
let openDirect: Int32 = 0o40000
#endif

/// The size and SHA-256 of one file, read in 1 MiB chunks from the disk past the page cache (O_DIRECT, where the
/// file system allows it): what is checked is what is stored, and a weights file's pages, read in with read(),
/// would come into the page cache in small folios, which a model that maps the file later could not map as 2 MB
/// pages (see `mapRegularFile`).
public func hashFile(_ url: URL) throws(FormatError) -> Manifest.Entry {
    let path = url.path
    var descriptor = open(path, O_RDONLY | O_CLOEXEC | openDirect)
    if descriptor < 0 && errno == EINVAL { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
    guard descriptor >= 0 else { throw FormatError(path: path, String(cString: strerror(errno))) }
    defer { close(descriptor) }
    // Direct reads need a buffer aligned to the device's blocks.
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
    defer { chunk.deallocate() }
    var hasher = SHA256()
    var size = 0
    while true {
        let count = read(descriptor, chunk.baseAddress, chunk.count)
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { throw FormatError(path: path, "cannot read: " + String(cString: strerror(errno))) }
        if count == 0 { break }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        size += count
    }
    let hexDigits = Array("0123456789abcdef".utf8)
    let hex = hasher.finalize().flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 15)]] }
    return Manifest.Entry(size: size, sha256: String(decoding: hex, as: UTF8.self))
}

/// A decoding error in one line: where in the document, and what.
func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    let (context, problem): (DecodingError.Context, String) = switch error {
    case let .typeMismatch(type, context): (context, "expected \(type)")
    case let .valueNotFound(type, context): (context, "expected \(type)")
    case let .keyNotFound(key, context): (context, "missing key \(key.stringValue.debugDescription)")
    case let .dataCorrupted(context): (context, "invalid JSON")
    @unknown default: (DecodingError.Context(codingPath: [], debugDescription: ""), "invalid")
    }
    let location = context.codingPath.map(\.stringValue).joined(separator: ".")
    return location.isEmpty ? problem : "\(location): \(problem)"
}
