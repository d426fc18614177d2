import Foundation
import Testing
@testable import ZooTokenizers

/// Size caps on tokenizer files: each refusal names the file and the limit.
@Suite struct TokenizerLimitsTests {
    /// Its folder and its checks of errors.
    let files: LoadingErrorTests

    init() throws { files = try LoadingErrorTests() }

    @Test func aTokenizerFileBeyondTheSizeLimitIsRefusedUnread() throws {
        // A sparse file: its size is what counts, and it is never read.
        let url = files.write("tokenizer.json", "{}")
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(TokenizerFiles.maximumFileSize + 1))
        try handle.close()
        files.expectError(at: url, mentioning: "beyond the limit of \(TokenizerFiles.maximumFileSize) bytes") {
            try Tokenizer.load(directory: files.directory)
        }
    }

    @Test func aVocabularyLineBeyondTheTokenLimitIsRefused() throws {
        let url = files.write("vocab.txt", "[PAD]\n[UNK]\n" + String(repeating: "a", count: maximumTokenLength + 1) + "\n")
        files.expectError(at: url, mentioning: "line 3", "beyond the limit of \(maximumTokenLength)") {
            try Tokenizer.load(file: url)
        }
    }

    @Test func aMergesLineBeyondTheLimitIsRefused() throws {
        _ = files.write("vocab.json", #"{"a": 0, "b": 1, "ab": 2}"#)
        let merges = files.write("merges.txt", "#version: 0.2\na b\n" + String(repeating: "a", count: 2 * maximumTokenLength + 3) + "\n")
        files.expectError(at: merges, mentioning: "line 3", "beyond the limit") {
            try Tokenizer.load(directory: files.directory)
        }
    }

    @Test func theIDLimitCountsTheLargestIDNotTheTokens() throws {
        _ = files.write("vocab.json", #"{"a": 0, "b": 900000}"#)
        _ = files.write("merges.txt", "#version: 0.2\n")
        let tokenizer = try Tokenizer.load(directory: files.directory)
        #expect(tokenizer.vocabularySize == 2 && tokenizer.idLimit == 900_001)
    }
}
