import Foundation

/// BERT's tokenizer from a WordPiece vocab.txt and the tokenizer_config.json beside it, built as transformers'
/// BertTokenizer builds it: BERT's normalizer (do_lower_case, tokenize_chinese_chars and strip_accents from the
/// config, uncased when it says nothing), BERT's pre-tokenizer, WordPiece with "##" and words of at most 100
/// characters, the templates "[CLS] $A [SEP]" and "[CLS] $A [SEP] $B:1 [SEP]:1", and the special tokens [UNK],
/// [SEP], [PAD], [CLS] and [MASK] unless the config names others.
enum WordPieceFiles {
    private static let defaults = [
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]",
    ]

    static func tokenizer(vocabularyFile: URL) throws -> Tokenizer {
        let vocabulary = try VocabText.vocabulary(try TokenizerFiles.read(vocabularyFile), file: vocabularyFile.path)
        let directory = vocabularyFile.deletingLastPathComponent()
        let config = try SpecialTokensConfig.object(in: directory, "tokenizer_config.json")
        let lowercase = try config?.bool("do_lower_case", default: true) ?? true
        let normalizer = BertNormalizer(
            handleChineseCharacters: try config?.bool("tokenize_chinese_chars", default: true) ?? true,
            stripAccents: try config?["strip_accents"]?.bool(), lowercase: lowercase)
        let (addedTokens, roleNames) = try SpecialTokensConfig.read(in: directory, defaults: defaults)
        let model = try WordPieceModel(
            vocabulary: vocabulary, unknownToken: roleNames[.unknown]!, continuingSubwordPrefix: "##",
            maximumCharactersPerWord: 100, source: vocabularyFile.path)

        // transformers falls back on ids 2 and 3 for tokens it cannot find.
        let added = AddedVocabulary(addedTokens, model: vocabulary)
        let cls = roleNames[.cls]!
        let sep = roleNames[.sep]!
        let clsPiece = TemplateProcessing.Piece.special(ids: [added.id(of: cls) ?? 2], tokens: [cls], typeID: 0)
        func sepPiece(typeID: Int) -> TemplateProcessing.Piece {
            .special(ids: [added.id(of: sep) ?? 3], tokens: [sep], typeID: typeID)
        }
        let template = TemplateProcessing(
            single: [clsPiece, .sequence(index: 0, typeID: 0), sepPiece(typeID: 0)],
            pair: [clsPiece, .sequence(index: 0, typeID: 0), sepPiece(typeID: 0), .sequence(index: 1, typeID: 1),
                   sepPiece(typeID: 1)])
        return Tokenizer(
            addedTokens: addedTokens, normalizer: normalizer, preTokenizer: BertPreTokenizer(), model: model,
            postProcessor: template, decoder: WordPieceDecoder(prefix: "##", cleanup: true), roleNames: roleNames)
    }
}
