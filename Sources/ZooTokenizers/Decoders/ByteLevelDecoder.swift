/// GPT-2's decoder (`"type": "ByteLevel"`): maps each character of a token back to the byte it stands for.
/// A token with any character outside the alphabet (an added token such as "<|endoftext|>" is inside it, but
/// "é" is not) contributes its own UTF-8 bytes instead, as in Hugging Face.
struct ByteLevelDecoder: TokenByTokenDecoder {
    func decode(_ token: [UInt8], position: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.count)
        let table = ByteLevelAlphabet.bytes
        var isSpelled = true
        token.withUnsafeBufferPointer { token in
            forEachScalar(in: token) { value, _ in
                guard isSpelled, Int(value) < table.count, table[Int(value)] >= 0 else {
                    isSpelled = false
                    return
                }
                bytes.append(UInt8(table[Int(value)]))
            }
        }
        return isSpelled ? bytes : token
    }
}
