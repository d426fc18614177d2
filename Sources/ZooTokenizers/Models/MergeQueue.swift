/// The merges waiting to be applied to one word: a binary min-heap that yields the lowest rank first and, among
/// equal ranks, the leftmost position, which is the order Hugging Face applies merges in.
struct MergeQueue {
    struct Entry {
        /// Rank in the high half, position in the low half, so one comparison orders both.
        let key: UInt64
        let merged: Int32

        var position: Int { Int(truncatingIfNeeded: key & 0xFFFF_FFFF) }
    }

    private var heap: [Entry] = []

    mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
    }

    mutating func push(rank: Int32, position: Int, merged: Int32) {
        heap.append(Entry(key: UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(position), merged: merged))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].key < heap[parent].key else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            let right = left + 1
            let smaller = right < heap.count && heap[right].key < heap[left].key ? right : left
            guard heap[smaller].key < heap[parent].key else { break }
            heap.swapAt(smaller, parent)
            parent = smaller
        }
        return top
    }
}
