/// GPT-2's split pattern, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
/// as a scanner over Unicode scalars that finds the same matches a backtracking regex engine does: at each
/// position the first alternative that matches wins, and the pieces cover the text.
enum GPT2Split {
    /// Calls `body` with the byte range of each piece of `text` (valid UTF-8), in order.
    static func forEachPiece(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        // Classify every scalar first; the matching below then works on scalar indices.
        let (classes, starts) = classify(text)
        let count = classes.count
        /// The scalar at `index` if it is ASCII, else 0.
        func ascii(_ index: Int) -> UInt8 {
            index < count && starts[index + 1] - starts[index] == 1 ? text[starts[index]] : 0
        }
        func emit(_ from: Int, _ to: Int) { body(starts[from]..<starts[to]) }

        var index = 0
        while index < count {
            // 's 't 're 've 'm 'll 'd: lowercase only, and taken even when a letter follows.
            if ascii(index) == UInt8(ascii: "'") {
                switch (ascii(index + 1), ascii(index + 2)) {
                case (UInt8(ascii: "s"), _), (UInt8(ascii: "t"), _), (UInt8(ascii: "m"), _), (UInt8(ascii: "d"), _):
                    emit(index, index + 2)
                    index += 2
                    continue
                case (UInt8(ascii: "r"), UInt8(ascii: "e")), (UInt8(ascii: "v"), UInt8(ascii: "e")),
                    (UInt8(ascii: "l"), UInt8(ascii: "l")):
                    emit(index, index + 3)
                    index += 3
                    continue
                default:
                    break
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: a run of one class, with a space before it joining in.
            var runStart = index
            if ascii(index) == UInt8(ascii: " ") && index + 1 < count && classes[index + 1] != .whitespace {
                runStart = index + 1
            }
            let runClass = classes[runStart]
            var end = runStart + 1
            while end < count && classes[end] == runClass { end += 1 }
            if runClass == .whitespace && end < count && end - index >= 2 {
                // `\s+(?!\S)`: a whitespace run before a non-space leaves its last character to the next piece,
                // which is how " word" keeps its space. A single whitespace character falls to `\s+`.
                end -= 1
            }
            emit(index, end)
            index = end
        }
    }

    /// The class of each scalar of `text` and the offset where it starts, plus the end offset.
    private static func classify(_ text: UnsafeBufferPointer<UInt8>) -> ([ScalarClass], [Int]) {
        var classes: [ScalarClass] = []
        var starts: [Int] = []
        classes.reserveCapacity(text.count)
        starts.reserveCapacity(text.count + 1)
        ScalarClass.ascii.withUnsafeBufferPointer { ascii in
            var offset = 0
            while offset < text.count {
                let length = min(utf8Length(leadingByte: text[offset]), text.count - offset)
                let value = scalarValue(UnsafeBufferPointer(rebasing: text[offset..<offset + length]))
                classes.append(value < ascii.count ? ScalarClass(rawValue: ascii[value])! : ScalarClass(UInt32(value)))
                starts.append(offset)
                offset += length
            }
        }
        starts.append(text.count)
        return (classes, starts)
    }
}
