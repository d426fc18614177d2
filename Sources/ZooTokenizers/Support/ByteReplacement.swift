/// `bytes` with every occurrence of `pattern` (not empty) replaced, leftmost first and without overlaps, as Rust's
/// `str::replace` does. On UTF-8 text a match of a UTF-8 pattern always starts and ends between characters.
func replacingOccurrences(of pattern: [UInt8], with replacement: [UInt8], in bytes: UnsafeBufferPointer<UInt8>)
    -> [UInt8]
{
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var index = 0
    var copied = 0
    while index + pattern.count <= bytes.count {
        if bytes[index] == pattern[0] && bytes[index..<index + pattern.count].elementsEqual(pattern) {
            output.append(contentsOf: bytes[copied..<index])
            output.append(contentsOf: replacement)
            index += pattern.count
            copied = index
        } else {
            index += 1
        }
    }
    output.append(contentsOf: bytes[copied...])
    return output
}
