import Foundation

/// A hash map from byte strings to integers whose lookups take a buffer and allocate nothing.
///
/// Keys are compared byte for byte. Swift's `String` would not do: it compares canonically equivalent strings
/// as equal ("é" and "e\u{301}"), which would merge tokens that Hugging Face keeps apart.
///
/// Keys total less than 4 GiB and values fit in 32 bits, so that an entry takes 16 bytes: the maps hold the tokens of
/// one tokenizer file (at most 100 MB) or a bounded cache of words, with ids or positions as values.
struct ByteStringMap: Sendable {
    struct Entry {
        /// The entry's key is `keyBytes[start..<start + length]`.
        var start: UInt32
        var length: UInt32
        /// The low 32 bits of the key's hash: the slots never use more.
        var hash: UInt32
        var value: Int32
    }

    /// All keys back to back.
    private var keyBytes: [UInt8] = []
    private var entries: [Entry] = []
    /// Open addressing with linear probing: an entry index plus one, or 0 for an empty slot.
    private var slots: [Int32]

    init(minimumCapacity: Int = 8) {
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
    }

    var count: Int { entries.count }

    /// Keys back to back and the entries in the order they were set: what a cache stores to rebuild the map
    /// without hashing a key (`init(keyBytes:entries:)`).
    var storedParts: (keyBytes: [UInt8], entries: [Entry]) { (keyBytes, entries) }

    /// The map `storedParts` came from. Nil when an entry's range lies outside `keyBytes`; keys are not hashed
    /// again, so parts from anywhere but `storedParts` must be checked otherwise (a cache's checksum).
    init?(keyBytes: [UInt8], entries: [Entry]) {
        guard entries.count < Int(Int32.max), entries.allSatisfy({ Int($0.start) + Int($0.length) <= keyBytes.count })
        else { return nil }
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        self.keyBytes = keyBytes
        self.entries = entries
        slots = [Int32](repeating: 0, count: size)
        for (index, entry) in entries.enumerated() { place(entry: index, hash: entry.hash) }
    }

    /// The index in `storedParts.entries` of the entry holding `key`.
    func entryIndex(of key: some Collection<UInt8>) -> Int? {
        let direct = key.withContiguousStorageIfAvailable { entry(for: $0) }
        if let direct { return direct }
        return Array(key).withUnsafeBufferPointer { entry(for: $0) }
    }

    /// The key of the entry at `index` in `storedParts.entries`, as text.
    func key(atEntry index: Int) -> String {
        let start = Int(entries[index].start), end = start + Int(entries[index].length)
        return keyBytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    /// The entry index holding `key`, if any.
    private func entry(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = UInt32(truncatingIfNeeded: Self.hash(key))
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let found = Int(slots[slot])
            if found == 0 { return nil }
            let entry = entries[found - 1]
            if entry.hash == hash && Int(entry.length) == key.count
                && (key.isEmpty
                    || keyBytes.withUnsafeBufferPointer {
                        memcmp($0.baseAddress! + Int(entry.start), key.baseAddress!, key.count) == 0
                    })
            {
                return found - 1
            }
            slot = (slot + 1) & mask
        }
    }

    func value(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        entry(for: key).map { Int(entries[$0].value) }
    }

    func value(for key: some Collection<UInt8>) -> Int? {
        let direct = key.withContiguousStorageIfAvailable { value(for: $0) }
        if let direct { return direct }
        return Array(key).withUnsafeBufferPointer { value(for: $0) }
    }

    /// Sets the value for `key`, replacing any earlier one, and returns the index of its entry.
    @discardableResult
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, to value: Int) -> Int {
        precondition(Int32(exactly: value) != nil && keyBytes.count + key.count <= Int(UInt32.max),
                     "ByteStringMap holds keys of less than 4 GiB in all and 32-bit values")
        if let existing = entry(for: key) {
            entries[existing].value = Int32(value)
            return existing
        }
        if (count + 1) * 2 > slots.count { grow() }
        let hash = UInt32(truncatingIfNeeded: Self.hash(key))
        entries.append(Entry(start: UInt32(keyBytes.count), length: UInt32(key.count), hash: hash, value: Int32(value)))
        keyBytes.append(contentsOf: key)
        place(entry: count - 1, hash: hash)
        return count - 1
    }

    @discardableResult
    mutating func set(_ key: some Collection<UInt8>, to value: Int) -> Int {
        if let done = key.withContiguousStorageIfAvailable({ set($0, to: value) }) { return done }
        return Array(key).withUnsafeBufferPointer { set($0, to: value) }
    }

    mutating func removeAll() {
        keyBytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        for index in slots.indices { slots[index] = 0 }
    }

    private mutating func place(entry: Int, hash: UInt32) {
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for (index, entry) in entries.enumerated() { place(entry: index, hash: entry.hash) }
    }

    /// A fast multiplicative hash over 8-byte words; keys are short (tokens and words).
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return mix(hash) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= key.count {
            hash = mix(hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < key.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        return mix(hash ^ tail)
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 32
        x = x &* 0xC4CE_B9FE_1A85_EC53
        return x ^ (x >> 29)
    }
}
