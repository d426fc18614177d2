import Foundation

/// A hash map from byte strings to integers whose lookups take a buffer and allocate nothing.
///
/// Keys are compared byte for byte. Swift's `String` would not do: it compares canonically equivalent strings
/// as equal ("é" and "e\u{301}"), which would merge tokens that Hugging Face keeps apart.
struct ByteStringMap: Sendable {
    private struct Entry {
        /// The entry's key is `keyBytes[start..<start + length]`.
        var start: Int
        var length: Int
        var hash: UInt64
        var value: Int
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

    /// The entry index holding `key`, if any.
    private func entry(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let found = Int(slots[slot])
            if found == 0 { return nil }
            let entry = entries[found - 1]
            if entry.hash == hash && entry.length == key.count
                && (key.isEmpty
                    || keyBytes.withUnsafeBufferPointer {
                        memcmp($0.baseAddress! + entry.start, key.baseAddress!, key.count) == 0
                    })
            {
                return found - 1
            }
            slot = (slot + 1) & mask
        }
    }

    func value(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        entry(for: key).map { entries[$0].value }
    }

    func value(for key: some Collection<UInt8>) -> Int? {
        let direct = key.withContiguousStorageIfAvailable { value(for: $0) }
        if let direct { return direct }
        return Array(key).withUnsafeBufferPointer { value(for: $0) }
    }

    /// Sets the value for `key`, replacing any earlier one.
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, to value: Int) {
        if let existing = entry(for: key) {
            entries[existing].value = value
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(key)
        entries.append(Entry(start: keyBytes.count, length: key.count, hash: hash, value: value))
        keyBytes.append(contentsOf: key)
        place(entry: count - 1, hash: hash)
    }

    mutating func set(_ key: some Collection<UInt8>, to value: Int) {
        let done: Void? = key.withContiguousStorageIfAvailable { set($0, to: value) }
        if done == nil { Array(key).withUnsafeBufferPointer { set($0, to: value) } }
    }

    mutating func removeAll() {
        keyBytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        for index in slots.indices { slots[index] = 0 }
    }

    private mutating func place(entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
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
