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
}
