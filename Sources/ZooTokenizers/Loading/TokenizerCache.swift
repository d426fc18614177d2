#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation

#if !_endian(little)
#error("TokenizerCache stores its tables in the host's byte order and assumes a little-endian host")
#endif

/// A folder of BPE tables as they are built from a vocab.json and merges.txt or from a tokenizer.json, so that a
/// later load skips building the tables, and parsing the files but for a tokenizer.json's other parts
/// (Formats/tokenizer-cache-v2.md).
///
/// An entry is named by the SHA-256 of the source files' bytes and records the program that built it: a
/// changed file gives another name, and a rebuilt program rebuilds the entry. An entry that is missing, from
/// another program, truncated or damaged (its checksum) is built again from the files and replaced; the tables
/// never come from anything but these exact bytes. Entries are written to a temporary file and renamed into
/// place. A cache that cannot be written only costs speed.
public struct TokenizerCache: Sendable {
    typealias Key = SHA256.Digest

    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// `$XDG_CACHE_HOME/zoo/tokenizers`, or `~/.cache/zoo/tokenizers`.
    public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> TokenizerCache {
        let base: URL
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            base = URL(fileURLWithPath: cache)
        } else {
            base = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
        }
        return TokenizerCache(folder: base.appendingPathComponent("zoo").appendingPathComponent("tokenizers"))
    }

    /// What a lookup found, for tests and diagnostics.
    enum Outcome: Equatable {
        case used
        case missing
        case rejected(String)
    }

    /// The entry's file for sources with this digest.
    func file(for key: SHA256.Digest) -> URL {
        folder.appendingPathComponent(hex(key) + ".bpe")
    }

    /// The digest naming the entry of a vocab.json and merges.txt with these bytes.
    static func key(vocabulary: Data, merges: Data) -> SHA256.Digest {
        key("vocab.json+merges.txt", [vocabulary, merges])
    }

    /// The digest naming the entry of the BPE model of a tokenizer.json with these bytes.
    static func key(tokenizerJSON: Data) -> SHA256.Digest {
        key("tokenizer.json", [tokenizerJSON])
    }

    private static func key(_ kind: String, _ sources: [Data]) -> SHA256.Digest {
        var hasher = SHA256()
        hasher.update(data: Data("zoo-bpe \(kind)\n".utf8))
        for part in sources {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: part)
        }
        return hasher.finalize()
    }

    /// The entry for `key` (computed at the entry's first use), to read or to store once the tables are built.
    func entry(_ key: @escaping () -> SHA256.Digest) -> CachedTables { CachedTables(cache: self, key: key) }

    /// The tables stored under `key`, or why there are none.
    func read(_ key: SHA256.Digest) -> (BPETables?, Outcome) {
        guard let builder = Self.builder else { return (nil, .rejected("the running program cannot be identified")) }
        let url = file(for: key)
        var info = stat()
        guard stat(url.path, &info) == 0 else { return (nil, .missing) }
        guard info.st_size <= Self.maximumEntrySize else { return (nil, .rejected("larger than any entry")) }
        guard let data = FileManager.default.contents(atPath: url.path) else { return (nil, .missing) }
        do {
            return (try data.withUnsafeBytes { try BPETables(entry: $0, key: key, builder: builder) }, .used)
        } catch {
            return (nil, .rejected((error as? BPETables.Damage)?.problem ?? "\(error)"))
        }
    }

    /// Stores `tables` under `key`, replacing any entry there; failures are ignored (a cache only saves time).
    func write(_ tables: BPETables, key: SHA256.Digest) {
        guard let builder = Self.builder else { return }
        let url = file(for: key)
        // Unique to this write: two threads of one process may write the same entry at once.
        let temporary = url.path + ".partial-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        removeAbandonedPartials(of: url)
        let bytes = tables.entry(key: key, builder: builder)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let written = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard close(descriptor) == 0, written, rename(temporary, url.path) == 0 else {
            unlink(temporary)
            return
        }
    }

    /// Deletes the temporary files of writers of this entry that are no longer running (killed while writing).
    private func removeAbandonedPartials(of url: URL) {
        let prefix = url.lastPathComponent + ".partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let writer = name.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = pid_t(writer), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder.appendingPathComponent(name).path) }
        }
    }

    /// Entries larger than this are not read (GPT-2's is 2.4 MB; the largest vocabulary allowed gives about 230 MB).
    static let maximumEntrySize = 1 << 30

    /// The program that builds the tables: an entry written by another build of Zoo is built again, so a
    /// change to how tables are built never meets an entry built the old way. Nil when it cannot be told.
    static let builder: [UInt8]? = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        var hasher = SHA256()
        for value in [UInt64(BPETables.version), UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size),
                      UInt64(info.st_mtim.tv_sec), UInt64(info.st_mtim.tv_nsec)] {
            withUnsafeBytes(of: value.littleEndian) { hasher.update(bufferPointer: $0) }
        }
        return Array(hasher.finalize())
    }()
}

/// One entry of a tokenizer cache: the tables stored for one source, or where to store them once built.
final class CachedTables {
    let cache: TokenizerCache
    private let makeKey: () -> SHA256.Digest
    /// Only a BPE model needs it: other models do not hash their file.
    lazy var key = makeKey()
    /// The entry's tables, read once.
    lazy var tables: BPETables? = cache.read(key).0
    /// Tables built from the files when the entry had none, for `write`.
    private(set) var built: BPETables?

    init(cache: TokenizerCache, key: @escaping () -> SHA256.Digest) {
        self.cache = cache
        makeKey = key
    }

    /// Keeps a model built from the files, to be written once the whole tokenizer is built.
    func keep(_ model: BPEModel) { built = BPETables(vocabulary: model.vocabulary, merges: model.merges) }

    /// Writes the kept tables, with where a tokenizer.json holds them (verified ranges only).
    func write(splice: ModelTableRanges? = nil) {
        guard var built else { return }
        built.splice = splice
        cache.write(built, key: key)
    }
}

/// A BPE model's vocabulary and merge table, and their form in a cache entry.
struct BPETables {
    let vocabulary: Vocabulary
    let merges: MergeTable
    /// Where the tokenizer.json they came from holds them, when known.
    var splice: ModelTableRanges?

    static let magic = Array("ZOO-BPE\n".utf8)
    static let version: UInt32 = 2
    /// Magic, version, reserved, key, builder, payload size, payload checksum.
    static let headerSize = 8 + 4 + 4 + 32 + 32 + 8 + 8

    struct Damage: Error {
        let problem: String
    }

    init(vocabulary: Vocabulary, merges: MergeTable) {
        self.vocabulary = vocabulary
        self.merges = merges
    }

    /// The whole entry: header, then the payload (a sequence of counts and arrays, each 8-byte aligned).
    func entry(key: SHA256.Digest, builder: [UInt8]) -> [UInt8] {
        var payload = EntryWriter()
        let (ids, tokens) = vocabulary.storedParts
        let (keyBytes, entries) = ids.storedParts
        payload.append(UInt64(vocabulary.count))
        payload.append(array: keyBytes)
        payload.append(array: entries)
        payload.append(array: tokens.map { TokenEntry(id: Int32($0.id), entry: $0.entry) })
        var merges: [MergeEntry] = []
        merges.reserveCapacity(self.merges.count)
        self.merges.forEach { left, right, merge in
            merges.append(MergeEntry(left: left, right: right, rank: merge.rank, merged: merge.merged))
        }
        payload.append(array: merges)
        let ranges = splice.map { [$0.vocab.lowerBound, $0.vocab.upperBound, $0.merges.lowerBound, $0.merges.upperBound] }
        payload.append(array: (ranges ?? []).map { Int64($0) })

        var entry = EntryWriter()
        entry.bytes += Self.magic
        entry.append(Self.version)
        entry.append(UInt32(0))
        entry.bytes += Array(key)
        entry.bytes += builder
        entry.append(UInt64(payload.bytes.count))
        entry.append(payload.bytes.withUnsafeBytes { checksum($0) })
        entry.bytes += payload.bytes
        return entry.bytes
    }

    /// Reads an entry, checking everything a damaged or foreign file could get wrong.
    init(entry bytes: UnsafeRawBufferPointer, key: SHA256.Digest, builder: [UInt8]) throws(Damage) {
        guard bytes.count >= Self.headerSize else { throw Damage(problem: "truncated header") }
        guard bytes.starts(with: Self.magic) else { throw Damage(problem: "not a tokenizer cache entry") }
        var header = EntryReader(bytes, offset: Self.magic.count)
        guard try header.read(UInt32.self) == Self.version else { throw Damage(problem: "another version") }
        _ = try header.read(UInt32.self)
        guard try header.bytes(32).elementsEqual(key) else { throw Damage(problem: "made from other files") }
        guard try header.bytes(32).elementsEqual(builder) else { throw Damage(problem: "built by another program") }
        let payloadSize = try header.read(UInt64.self)
        let expectedChecksum = try header.read(UInt64.self)
        guard payloadSize == UInt64(bytes.count - Self.headerSize) else { throw Damage(problem: "truncated") }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[Self.headerSize...])
        guard checksum(payload) == expectedChecksum else { throw Damage(problem: "checksum mismatch") }

        var reader = EntryReader(payload, offset: 0)
        let count = Int(truncatingIfNeeded: try reader.read(UInt64.self))
        let keyBytes: [UInt8] = try reader.array()
        let entries: [ByteStringMap.Entry] = try reader.array()
        let tokens: [TokenEntry] = try reader.array()
        let merges: [MergeEntry] = try reader.array()
        let ranges: [Int64] = try reader.array()
        guard reader.offset == payload.count else { throw Damage(problem: "trailing bytes") }
        guard ranges.isEmpty || ranges.count == 4 else { throw Damage(problem: "inconsistent ranges") }
        guard (0...Vocabulary.maximumCount).contains(count), entries.count <= Vocabulary.maximumCount,
              let ids = ByteStringMap(keyBytes: keyBytes, entries: entries),
              tokens.allSatisfy({ $0.id >= 0 && $0.entry >= 0 && Int($0.entry) < entries.count })
        else { throw Damage(problem: "inconsistent vocabulary") }
        let vocabulary = Vocabulary(ids: ids, tokens: tokens.map { (id: Int($0.id), entry: $0.entry) }, count: count)
        var table = MergeTable(minimumCapacity: merges.count)
        for merge in merges {
            guard vocabulary.hasToken(for: Int(merge.left)), vocabulary.hasToken(for: Int(merge.right)),
                  vocabulary.hasToken(for: Int(merge.merged)), merge.rank >= 0
            else { throw Damage(problem: "a merge of ids outside the vocabulary") }
            table.set(merge.left, merge.right, MergeTable.Merge(rank: merge.rank, merged: merge.merged))
        }
        self.init(vocabulary: vocabulary, merges: table)
        if ranges.count == 4 {
            // Checked against the file's size where they are used.
            let bounds = ranges.map { Int(truncatingIfNeeded: $0) }
            guard bounds[0] <= bounds[1], bounds[2] <= bounds[3] else { throw Damage(problem: "inconsistent ranges") }
            splice = ModelTableRanges(unchecked: bounds[0]..<bounds[1], bounds[2]..<bounds[3])
        }
    }

    private struct TokenEntry {
        let id: Int32
        let entry: Int32
    }

    private struct MergeEntry {
        let left: Int32
        let right: Int32
        let rank: Int32
        let merged: Int32
    }
}

/// Appends plain values and arrays (as their count, then their bytes padded to 8).
private struct EntryWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func append<T: BitwiseCopyable>(array: [T]) {
        append(UInt64(array.count))
        array.withUnsafeBytes { bytes += $0 }
        bytes += repeatElement(0, count: (8 - bytes.count % 8) % 8)
    }
}

private struct EntryReader {
    let buffer: UnsafeRawBufferPointer
    var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int) {
        self.buffer = buffer
        self.offset = offset
    }

    mutating func bytes(_ count: Int) throws(BPETables.Damage) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= buffer.count - offset else { throw BPETables.Damage(problem: "truncated") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(BPETables.Damage) -> T {
        T(littleEndian: try bytes(MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    mutating func array<T: BitwiseCopyable>() throws(BPETables.Damage) -> [T] {
        let count = try read(UInt64.self)
        guard count <= UInt64(buffer.count / max(MemoryLayout<T>.stride, 1)) else {
            throw BPETables.Damage(problem: "truncated")
        }
        let byteCount = Int(count) * MemoryLayout<T>.stride
        let source = try bytes(byteCount)
        _ = try bytes((8 - offset % 8) % 8)
        return [T](unsafeUninitializedCapacity: Int(count)) { target, initialized in
            UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
            initialized = Int(count)
        }
    }
}

/// A 64-bit checksum over 8-byte words in four lanes, to catch a damaged entry (not a forged one).
private func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let prime: UInt64 = 0x9E37_79B1_85EB_CA87
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
    func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = lane &+ word &* 0xC2B2_AE3D_27D4_EB4F
        return ((mixed << 31) | (mixed >> 33)) &* prime
    }
    var offset = 0
    while offset + 32 <= bytes.count {
        lanes.0 = round(lanes.0, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        lanes.1 = round(lanes.1, bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        lanes.2 = round(lanes.2, bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        lanes.3 = round(lanes.3, bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
        offset += 32
    }
    var result = UInt64(bytes.count) &* prime
    for lane in [lanes.0, lanes.1, lanes.2, lanes.3] { result = round(result ^ lane, 0) &+ lane }
    while offset < bytes.count {
        result = round(result, UInt64(bytes[offset]))
        offset += 1
    }
    result ^= result >> 29
    return result &* prime ^ (result >> 32)
}

private func hex(_ digest: SHA256.Digest) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
}

extension Tokenizer {
    /// `load(directory:)`, keeping the tables built from a vocab.json and merges.txt in `cache` so that the
    /// next load of the same files skips parsing them.
    public static func load(directory: URL, cache: TokenizerCache) throws -> Tokenizer {
        try TokenizerFiles.load(directory: directory, cache: cache)
    }

    /// `load(file:)` through `cache`, as `load(directory:cache:)`.
    public static func load(file: URL, cache: TokenizerCache) throws -> Tokenizer {
        try TokenizerFiles.load(file: file, cache: cache)
    }
}
