/// A part a special token plays in a model's pipelines: the mask a masked language model fills in, the padding of
/// a batch, the classifier and separator tokens around a text, the unknown token. The raw value is the key that
/// names the token in tokenizer_config.json.
enum SpecialTokenRole: String, CaseIterable, Sendable {
    case mask = "mask_token"
    case pad = "pad_token"
    case cls = "cls_token"
    case sep = "sep_token"
    case unknown = "unk_token"

    /// BERT's and RoBERTa's contents for the part: a special added token with one of them plays it when no file
    /// names the token.
    var conventionalContents: [String] {
        switch self {
        case .mask: return ["[MASK]", "<mask>"]
        case .pad: return ["[PAD]", "<pad>"]
        case .cls: return ["[CLS]", "<s>"]
        case .sep: return ["[SEP]", "</s>"]
        case .unknown: return ["[UNK]", "<unk>"]
        }
    }
}
