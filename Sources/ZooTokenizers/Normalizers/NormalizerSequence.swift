/// Several normalizers applied in turn (`"type": "Sequence"`), as some BERT-family tokenizers chain NFD,
/// Lowercase and StripAccents.
struct NormalizerSequence: Normalizer {
    let normalizers: [any Normalizer]

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes = Array(text)
        for normalizer in normalizers {
            bytes = bytes.withUnsafeBufferPointer { normalizer.normalize($0) }
        }
        return bytes
    }

    func movesStart(of text: UnsafeBufferPointer<UInt8>) -> Bool {
        var bytes = Array(text)
        for normalizer in normalizers {
            let (moved, next) = bytes.withUnsafeBufferPointer { text in
                normalizer.movesStart(of: text) ? (true, []) : (false, normalizer.normalize(text))
            }
            if moved { return true }
            bytes = next
        }
        return false
    }
}
