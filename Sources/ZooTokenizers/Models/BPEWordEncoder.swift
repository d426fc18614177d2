/// Encodes the words of one encode call with a `BPEModel`, reusing its buffers from word to word.
/// The steps mirror Hugging Face's `BPE::merge_word` and `Word::merge_all`, so that ids match exactly.
final class BPEWordEncoder: WordEncoder {
    /// A symbol of the word being merged, linked to its neighbours; `length` 0 marks one merged into its left.
    private struct Symbol {
        var id: Int32
        var previous: Int32
        var next: Int32
        var length: Int32
    }

    private let model: BPEModel
    private let ignoreMerges: Bool
    private(set) var cache: WordCache
    private var symbols: [Symbol] = []
    private var queue = MergeQueue()
    private var spelled: [UInt8] = []

    init(model: BPEModel, cache: WordCache) {
        self.model = model
        self.cache = cache
        ignoreMerges = model.options.ignoreMerges
    }

    func encode(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        if word.isEmpty { return }
        if ignoreMerges, let id = model.vocabulary.id(of: word) {
            ids.append(id)
            return
        }
        if cache.append(word, to: &ids) { return }
        loadSymbols(word)
        mergeAll()
        let start = ids.count
        for symbol in symbols where symbol.length > 0 { ids.append(Int(symbol.id)) }
        cache.store(word, ids: ids[start...])
    }

    /// One symbol per character, with unknown characters handled as Hugging Face does.
    private func loadSymbols(_ word: UnsafeBufferPointer<UInt8>) {
        symbols.removeAll(keepingCapacity: true)
        var unknown: (id: Int32, length: Int)?
        var start = 0
        while start < word.count {
            let end = min(start + utf8Length(leadingByte: word[start]), word.count)
            let character = UnsafeBufferPointer(rebasing: word[start..<end])
            if let id = symbolID(character, isFirst: start == 0, isLast: end == word.count) {
                if let pending = unknown {
                    append(pending.id, length: pending.length)
                    unknown = nil
                }
                append(id, length: end - start)
            } else if let byteIDs = fallbackIDs(character, isFirst: start == 0, isLast: end == word.count) {
                // Hugging Face leaves a pending unknown token in place here, so it lands after these bytes.
                for id in byteIDs { append(id, length: 1) }
            } else if let unknownID = model.unknownID {
                if let pending = unknown {
                    if model.options.fuseUnknown {
                        unknown = (pending.id, pending.length + end - start)
                    } else {
                        append(pending.id, length: pending.length)
                        unknown = (unknownID, end - start)
                    }
                } else {
                    unknown = (unknownID, end - start)
                }
            }
            start = end
        }
        if let pending = unknown { append(pending.id, length: pending.length) }
    }

    /// The id of a character's symbol, or nil if the vocabulary lacks it.
    private func symbolID(_ character: UnsafeBufferPointer<UInt8>, isFirst: Bool, isLast: Bool) -> Int32? {
        if !model.smallCharacterIDs.isEmpty {
            let value = scalarValue(character)
            if value < BPEModel.smallCharacterLimit {
                let id = model.smallCharacterIDs[value]
                return id >= 0 ? id : nil
            }
        }
        spell(character, isFirst: isFirst, isLast: isLast)
        return spelled.withUnsafeBufferPointer { model.vocabulary.id(of: $0) }.map { Int32($0) }
    }

    /// The `<0xAB>` tokens of the symbol's bytes, if byte fallback is on and the vocabulary has all of them.
    private func fallbackIDs(_ character: UnsafeBufferPointer<UInt8>, isFirst: Bool, isLast: Bool) -> [Int32]? {
        guard let table = model.byteFallbackIDs else { return nil }
        spell(character, isFirst: isFirst, isLast: isLast)
        let ids = spelled.map { table[Int($0)] }
        return ids.contains(-1) ? nil : ids
    }

    /// Leaves the symbol's bytes, with the prefix or suffix its place in the word calls for, in `spelled`.
    private func spell(_ character: UnsafeBufferPointer<UInt8>, isFirst: Bool, isLast: Bool) {
        spelled.removeAll(keepingCapacity: true)
        if !isFirst { spelled.append(contentsOf: model.prefix) }
        spelled.append(contentsOf: character)
        if isLast { spelled.append(contentsOf: model.suffix) }
    }

    private func append(_ id: Int32, length: Int) {
        let index = Int32(symbols.count)
        if index > 0 { symbols[Int(index) - 1].next = index }
        symbols.append(Symbol(id: id, previous: index - 1, next: -1, length: Int32(length)))
    }

    /// Applies merges, lowest rank first, leftmost first among equals. A queued merge is stale when its left
    /// symbol was merged away or its pair changed; Hugging Face checks the latter by the merged id, and so do we.
    private func mergeAll() {
        queue.removeAll()
        if symbols.count < 2 { return }
        for position in 0..<symbols.count - 1 {
            if let merge = model.merges.merge(symbols[position].id, symbols[position + 1].id) {
                queue.push(rank: merge.rank, position: position, merged: merge.merged)
            }
        }
        while let top = queue.pop() {
            let position = top.position
            let current = symbols[position]
            guard current.length > 0, current.next >= 0 else { continue }
            let right = symbols[Int(current.next)]
            guard let merge = model.merges.merge(current.id, right.id), merge.merged == top.merged else { continue }

            symbols[position].id = top.merged
            symbols[position].length += right.length
            symbols[position].next = right.next
            symbols[Int(current.next)].length = 0
            if right.next >= 0 { symbols[Int(right.next)].previous = Int32(position) }

            let merged = symbols[position]
            if merged.previous >= 0,
                let merge = model.merges.merge(symbols[Int(merged.previous)].id, merged.id)
            {
                queue.push(rank: merge.rank, position: Int(merged.previous), merged: merge.merged)
            }
            if merged.next >= 0, let merge = model.merges.merge(merged.id, symbols[Int(merged.next)].id) {
                queue.push(rank: merge.rank, position: position, merged: merge.merged)
            }
        }
    }
}
