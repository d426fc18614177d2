/// Puts special tokens around a sequence by a template (`"type": "TemplateProcessing"`); BERT's and RoBERTa's
/// processors are the template "[CLS] $A [SEP]". Only the single-sequence template applies, as this
/// tokenizer encodes one text at a time.
struct TemplateProcessing: PostProcessor {
    enum Piece {
        case sequence
        case special(ids: [Int], tokens: [String])
    }

    let single: [Piece]

    func process(_ encoding: inout Encoding) {
        var result = Encoding(withTokens: encoding.tokens != nil)
        for piece in single {
            switch piece {
            case .sequence:
                result.ids += encoding.ids
                result.tokens? += encoding.tokens ?? []
            case .special(let ids, let tokens):
                result.ids += ids
                result.tokens? += tokens
            }
        }
        encoding = result
    }
}
