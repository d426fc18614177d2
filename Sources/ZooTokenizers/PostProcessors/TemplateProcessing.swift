/// Puts special tokens around the texts by a template (`"type": "TemplateProcessing"`), one for a single text and
/// one for a pair, such as BERT's "[CLS] $A [SEP]" and "[CLS] $A [SEP] $B:1 [SEP]:1": each piece gives its tokens
/// a type id, the text's own pieces included, even when special tokens are left out.
struct TemplateProcessing: PostProcessor {
    enum Piece {
        /// The first text (0) or the second (1).
        case sequence(index: Int, typeID: Int)
        case special(ids: [Int], tokens: [String], typeID: Int)
    }

    let single: [Piece]
    let pair: [Piece]

    func process(_ parts: [EncodingPart], addSpecialTokens: Bool) -> [EncodingPart] {
        let withTokens = parts[0].tokens != nil
        var result: [EncodingPart] = []
        for piece in parts.count == 2 ? pair : single {
            switch piece {
            case .sequence(let index, let typeID):
                var part = parts[index]
                part.typeID = typeID
                result.append(part)
            case .special(let ids, let tokens, let typeID):
                if addSpecialTokens {
                    result.append(EncodingPart(ids: ids, tokens: tokens, typeID: typeID, withTokens: withTokens))
                }
            }
        }
        return result
    }
}
