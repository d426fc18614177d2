import ZooModels
import ZooTokenizers

/// Texts made into token ids for an encoder: the tokenizer's ids with its special tokens, refused when longer
/// than the model takes, or cut to fit when asked.
struct EncoderTexts {
    let tokenizer: Tokenizer
    let maxLength: Int
    /// The model's name, for errors.
    let name: String

    func ids(of text: String, truncate: Bool) throws(ZooError) -> [Int] {
        let ids = tokenizer.encode(text)
        guard ids.count > maxLength else { return ids }
        guard truncate else {
            throw ZooError("the text has \(ids.count) tokens but \(name) takes at most \(maxLength) (--truncate cuts it to fit)")
        }
        return truncated(ids, text: text)
    }

    /// The text's own tokens cut from the end, keeping the special tokens the tokenizer puts around them, as
    /// transformers truncates a single text.
    private func truncated(_ ids: [Int], text: String) -> [Int] {
        let bare = tokenizer.encode(text, addSpecialTokens: false)
        let added = ids.count - bare.count
        guard added >= 0, added < maxLength,
              let start = (0...added).first(where: { ids[$0..<($0 + bare.count)].elementsEqual(bare) }) else {
            return Array(ids.prefix(maxLength))
        }
        return Array(ids[..<start]) + bare.prefix(maxLength - added) + ids[(start + bare.count)...]
    }
}
