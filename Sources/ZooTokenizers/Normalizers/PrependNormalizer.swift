/// Puts a string before the text unless it is empty (`"type": "Prepend"`), as Llama's normalizer puts "▁" before
/// every piece of text between added tokens.
struct PrependNormalizer: Normalizer {
    let prefix: [UInt8]

    func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        text.isEmpty ? [] : prefix + text
    }
}
