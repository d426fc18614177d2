/// How byte-level BPE vocabularies write text: each UTF-8 byte as its stand-in character of `ByteLevelAlphabet`.
/// Formats that list such a vocabulary without a tokenizer.json (GGUF) need it to write one.
public enum ByteLevelSpelling {
    /// Whether every character of `token` is a stand-in for a byte, as every token of a byte-level vocabulary is.
    public static func isSpelled(_ token: String) -> Bool {
        token.unicodeScalars.allSatisfy { scalar in
            Int(scalar.value) < ByteLevelAlphabet.bytes.count && ByteLevelAlphabet.bytes[Int(scalar.value)] >= 0
        }
    }

    /// `text`'s UTF-8 bytes, each written as its stand-in character.
    public static func spell(_ text: String) -> String {
        var spelled: [UInt8] = []
        for byte in text.utf8 {
            let character = ByteLevelAlphabet.utf8[Int(byte)]
            spelled.append(character.first)
            if character.first >= 0x80 { spelled.append(character.second) }
        }
        return String(decoding: spelled, as: UTF8.self)
    }
}
