/// BERT's post-processor (`"type": "BertProcessing"`): "[CLS] A [SEP]", and "[CLS] A [SEP] B [SEP]" with type
/// id 1 from B on. Without special tokens it leaves the texts as they are.
struct BertProcessing: PostProcessor {
    let cls: (id: Int, token: String)
    let sep: (id: Int, token: String)

    func process(_ parts: [EncodingPart], addSpecialTokens: Bool) -> [EncodingPart] {
        guard addSpecialTokens else { return parts }
        let withTokens = parts[0].tokens != nil
        func special(_ token: (id: Int, token: String), typeID: Int) -> EncodingPart {
            EncodingPart(ids: [token.id], tokens: [token.token], typeID: typeID, withTokens: withTokens)
        }
        var result: [EncodingPart] = []
        for (index, part) in parts.enumerated() {
            if index == 0 {
                result += [special(cls, typeID: 0), part, special(sep, typeID: 0)]
            } else {
                result += [part, special(sep, typeID: 1)]
            }
        }
        return result
    }
}
