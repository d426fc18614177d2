import Foundation

/// The tokenizer of a word-vector model: its words.txt, one word a line, word i being row i of the vectors. Text is
/// split at whitespace and each word is looked up whole, as it is spelled (no lowercasing); a word not in the list
/// has no id. The file's rules are those of a vocab.txt (`VocabText`): no empty line, no word twice.
enum WordListFiles {
    static let fileName = "words.txt"

    static func tokenizer(wordsFile: URL) throws -> Tokenizer {
        let vocabulary = try VocabText.vocabulary(try TokenizerFiles.read(wordsFile), file: wordsFile.path)
        return Tokenizer(
            addedTokens: [], normalizer: nil, preTokenizer: WhitespaceSplitPreTokenizer(),
            model: WordLevelModel(vocabulary: vocabulary, unknownID: nil), postProcessor: nil, decoder: nil)
    }
}
