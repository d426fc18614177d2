/// A byte trie of a vocabulary's tokens that finds every token starting at a position of a text, shortest first,
/// without allocating: a node's children are found by hashing (node, byte), the root's in a table.
struct PieceTrie: Sendable {
    /// The token id ending at each node, or -1.
    private let ids: [Int32]
    /// The root's child for each byte, or -1.
    private let rootChildren: [Int32]
    /// Open addressing over `node << 8 | byte`, `emptyKey` where free.
    private let keys: [UInt64]
    private let children: [Int32]
    private let mask: Int
    private static let emptyKey = UInt64.max

    /// `tokens` with the id each one stands for; a token given twice keeps the last id.
    init(_ tokens: [(bytes: [UInt8], id: Int)]) {
        var ids: [Int32] = [-1]
        var edges: [UInt64: Int32] = [:]
        for (bytes, id) in tokens where !bytes.isEmpty {
            var node: Int32 = 0
            for byte in bytes {
                let key = UInt64(node) << 8 | UInt64(byte)
                if let child = edges[key] {
                    node = child
                } else {
                    ids.append(-1)
                    node = Int32(ids.count - 1)
                    edges[key] = node
                }
            }
            ids[Int(node)] = Int32(id)
        }
        var size = 16
        while size < edges.count * 2 { size *= 2 }
        var keys = [UInt64](repeating: Self.emptyKey, count: size)
        var children = [Int32](repeating: -1, count: size)
        var rootChildren = [Int32](repeating: -1, count: 256)
        for (key, child) in edges {
            if key >> 8 == 0 { rootChildren[Int(key & 0xFF)] = child }
            var slot = Self.slot(key, size - 1)
            while keys[slot] != Self.emptyKey { slot = (slot + 1) & (size - 1) }
            keys[slot] = key
            children[slot] = child
        }
        self.ids = ids
        self.rootChildren = rootChildren
        self.keys = keys
        self.children = children
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    /// Calls `body` with the end and id of each token that `text` holds from `start`, shortest first.
    @inline(__always)
    func forEachToken(in text: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (_ end: Int, _ id: Int32) -> Void) {
        guard start < text.count else { return }
        var node = rootChildren[Int(text[start])]
        var offset = start + 1
        keys.withUnsafeBufferPointer { keys in
            children.withUnsafeBufferPointer { children in
                while node >= 0 {
                    let id = ids[Int(node)]
                    if id >= 0 { body(offset, id) }
                    guard offset < text.count else { return }
                    let key = UInt64(node) << 8 | UInt64(text[offset])
                    var slot = Self.slot(key, mask)
                    node = -1
                    while keys[slot] != Self.emptyKey {
                        if keys[slot] == key {
                            node = children[slot]
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                    offset += 1
                }
            }
        }
    }
}
