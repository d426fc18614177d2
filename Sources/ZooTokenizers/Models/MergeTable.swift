/// BPE merges: for a pair of adjacent token ids, the rank of the merge (lower merges first) and the id of the
/// merged token. An open-addressing table keyed by the pair packed into 64 bits.
struct MergeTable: Sendable {
    struct Merge {
        let rank: Int32
        let merged: Int32
    }

    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int) {
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Sets the merge of `left` and `right`, replacing an earlier one: Hugging Face builds its table the same way,
    /// so when merges.txt repeats a pair, the later rank wins.
    mutating func set(_ left: Int32, _ right: Int32, _ merge: Merge) {
        if (count + 1) * 2 > keys.count { grow() }
        let key = Self.pack(left, right)
        var slot = Self.slot(key, mask)
        while keys[slot] != Self.empty && keys[slot] != key { slot = (slot + 1) & mask }
        if keys[slot] == Self.empty { count += 1 }
        keys[slot] = key
        values[slot] = UInt64(UInt32(bitPattern: merge.rank)) << 32 | UInt64(UInt32(bitPattern: merge.merged))
    }

    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        let key = Self.pack(left, right)
        var slot = Self.slot(key, mask)
        while true {
            let found = keys[slot]
            if found == key {
                let value = values[slot]
                return Merge(rank: Int32(truncatingIfNeeded: value >> 32), merged: Int32(truncatingIfNeeded: value))
            }
            if found == Self.empty { return nil }
            slot = (slot + 1) & mask
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
        keys = [UInt64](repeating: Self.empty, count: oldKeys.count * 2)
        values = [UInt64](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for index in oldKeys.indices where oldKeys[index] != Self.empty {
            var slot = Self.slot(oldKeys[index], mask)
            while keys[slot] != Self.empty { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[index]
            values[slot] = oldValues[index]
        }
    }

    @inline(__always)
    private static func pack(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        let mixed = (key ^ (key >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }
}
