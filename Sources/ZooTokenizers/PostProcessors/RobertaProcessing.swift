/// RoBERTa's post-processor (`"type": "RobertaProcessing"`): "<s> A </s>", and "<s> A </s> </s> B </s>". Every
/// token has type id 0, with special tokens or without.
struct RobertaProcessing: PostProcessor {
    let cls: (id: Int, token: String)
    let sep: (id: Int, token: String)

    func process(_ parts: [EncodingPart], addSpecialTokens: Bool) -> [EncodingPart] {
        let parts = parts.map { part in
            var part = part
            part.typeID = 0
            return part
        }
        guard addSpecialTokens else { return parts }
        let withTokens = parts[0].tokens != nil
        func special(_ token: (id: Int, token: String)) -> EncodingPart {
            EncodingPart(ids: [token.id], tokens: [token.token], typeID: 0, withTokens: withTokens)
        }
        var result: [EncodingPart] = []
        for (index, part) in parts.enumerated() {
            result += [special(index == 0 ? cls : sep), part, special(sep)]
        }
        return result
    }
}
