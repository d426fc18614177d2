/// What Hugging Face does without a decoder: the tokens joined with spaces.
struct JoiningDecoder: TokenByTokenDecoder {
    func decode(_ token: [UInt8], position: Int) -> [UInt8] {
        position > 0 ? [UInt8(ascii: " ")] + token : token
    }
}
