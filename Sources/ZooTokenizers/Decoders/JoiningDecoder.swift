/// What Hugging Face does without a decoder: the tokens joined with spaces.
struct JoiningDecoder: TokenDecoder {
    func appendBytes(of token: String, position: Int, to bytes: inout [UInt8]) {
        if position > 0 { bytes.append(UInt8(ascii: " ")) }
        bytes.append(contentsOf: token.utf8)
    }
}
