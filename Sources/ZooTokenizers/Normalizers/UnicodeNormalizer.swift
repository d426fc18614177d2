/// A Unicode normalization form (`"type": "NFD"`, `"NFC"`, `"NFKD"` or `"NFKC"`).
struct UnicodeNormalizer: Normalizer {
    let form: NormalizationForm

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        form.normalize(text, appendingTo: &output)
        return output
    }
}
