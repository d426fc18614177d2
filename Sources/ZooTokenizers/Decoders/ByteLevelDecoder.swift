/// GPT-2's decoder (`"type": "ByteLevel"`): maps each character of a token back to the byte it stands for.
/// A token with any character outside the alphabet (an added token such as "<|endoftext|>" is inside it, but
/// "é" is not) contributes its own UTF-8 bytes instead, as in Hugging Face.
struct ByteLevelDecoder: TokenDecoder {
    func appendBytes(of token: String, position: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        let table = ByteLevelAlphabet.bytes
        for scalar in token.unicodeScalars {
            let value = Int(scalar.value)
            guard value < table.count, table[value] >= 0 else {
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: token.utf8)
                return
            }
            bytes.append(UInt8(table[value]))
        }
    }
}
