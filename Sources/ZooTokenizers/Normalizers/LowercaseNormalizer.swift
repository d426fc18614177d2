/// Lowercases every character (`"type": "Lowercase"`).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        forEachScalar(in: text) { value, _ in Lowercasing.append(value, to: &output) }
        return output
    }
}
