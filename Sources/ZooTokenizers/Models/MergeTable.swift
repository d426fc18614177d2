/// BPE merges: for a pair of adjacent token ids, the rank of the merge (lower merges first) and the id of the
/// merged token. An open-addressing table keyed by the pair packed into 64 bits, at most half full; its size need not
/// be a power of two (slots come from the hash by a multiply), so a table built for GPT-2's 50,000 merges takes
/// 1.6 MB rather than the 2.1 of the next power of two.
struct MergeTable: Sendable {
    struct Merge {
        let rank: Int32
        let merged: Int32
    }

    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [UInt64]
    private(set) var count = 0

    init(minimumCapacity: Int) {
        let size = 2 * minimumCapacity + 16
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
    }

    /// Sets the merge of `left` and `right`, replacing an earlier one: Hugging Face builds its table the same way,
    /// so when merges.txt repeats a pair, the later rank wins.
    mutating func set(_ left: Int32, _ right: Int32, _ merge: Merge) {
        if (count + 1) * 2 > keys.count { grow() }
        let key = Self.pack(left, right), size = keys.count
        var slot = Self.slot(key, size)
        while keys[slot] != Self.empty && keys[slot] != key { slot = Self.next(slot, size) }
        if keys[slot] == Self.empty { count += 1 }
        keys[slot] = key
        values[slot] = UInt64(UInt32(bitPattern: merge.rank)) << 32 | UInt64(UInt32(bitPattern: merge.merged))
    }

    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        let key = Self.pack(left, right), size = keys.count
        var slot = Self.slot(key, size)
        while true {
            let found = keys[slot]
            if found == key {
                let value = values[slot]
                return Merge(rank: Int32(truncatingIfNeeded: value >> 32), merged: Int32(truncatingIfNeeded: value))
            }
            if found == Self.empty { return nil }
            slot = Self.next(slot, size)
        }
    }

    /// Every merge, in slot order: with `set` they rebuild the table (a cache stores them so).
    func forEach(_ body: (_ left: Int32, _ right: Int32, _ merge: Merge) -> Void) {
        for index in keys.indices where keys[index] != Self.empty {
            let key = keys[index], value = values[index]
            body(Int32(truncatingIfNeeded: key >> 32), Int32(truncatingIfNeeded: key),
                 Merge(rank: Int32(truncatingIfNeeded: value >> 32), merged: Int32(truncatingIfNeeded: value)))
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let size = oldKeys.count * 2
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        for index in oldKeys.indices where oldKeys[index] != Self.empty {
            var slot = Self.slot(oldKeys[index], size)
            while keys[slot] != Self.empty { slot = Self.next(slot, size) }
            keys[slot] = oldKeys[index]
            values[slot] = oldValues[index]
        }
    }

    @inline(__always)
    private static func pack(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// The key's first slot of `size`: the mixed key's high 32 bits scaled to the size.
    @inline(__always)
    private static func slot(_ key: UInt64, _ size: Int) -> Int {
        let mixed = (key ^ (key >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: ((mixed >> 32) &* UInt64(size)) >> 32)
    }

    @inline(__always)
    private static func next(_ slot: Int, _ size: Int) -> Int {
        slot + 1 == size ? 0 : slot + 1
    }
}
