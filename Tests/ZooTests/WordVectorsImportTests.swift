import Foundation
import Testing
@testable import Zoo

/// Importing word vectors: the three formats as gensim writes them (Tools/make_word_vector_fixtures.py), and every
/// kind of bad file, each refused naming the file and the line with nothing left in the zoo.
@Suite struct WordVectorsImportTests {
    struct Expected: Decodable {
        let words: [String]
        let vectors: [[Float]]
    }

    let zooFolder = temporaryFolder("zoo-words")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    func convert(_ source: URL, dtype: DType? = nil, notes: inout [String]) throws -> LoadedModel {
        var collected: [String] = []
        let stored = try Converter(zoo: zoo).convert(source, options: .init(name: "words", dtype: dtype)) { _, _ in } note: {
            collected.append($0)
        }
        notes = collected
        return try stored.load()
    }

    func convert(_ source: URL, dtype: DType? = nil) throws -> LoadedModel {
        var notes: [String] = []
        return try convert(source, dtype: dtype, notes: &notes)
    }

    /// Writes `bytes` to a file named `name` and converts it, expecting an error; the zoo must stay empty.
    func refused(_ bytes: [UInt8], name: String = "vectors.txt") -> String {
        let file = temporaryFolder("words-source").appendingPathComponent(name)
        try! Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        do {
            _ = try convert(file)
            Issue.record("\(name) was accepted")
            return ""
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix(file.path + ": "), "\(message)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: zooFolder.path)) ?? []
            #expect(left.isEmpty, "the failed conversion left \(left) in the zoo")
            return String(message.dropFirst(file.path.count + 2))
        }
    }

    func refused(_ text: String, name: String = "vectors.txt") -> String { refused(Array(text.utf8), name: name) }

    @Test(arguments: [("tiny.glove.txt", "glove-text"), ("tiny.w2v.txt", "word2vec-text"), ("tiny.w2v.bin", "word2vec-binary")])
    func eachFormatImportsAsGensimReadsIt(file: String, format: String) throws {
        let all = try JSONDecoder().decode([String: Expected].self,
                                           from: Data(contentsOf: fixture("word-vectors/tiny.expected.json")))
        let expected = try #require(all[file])
        let loaded = try convert(fixture("word-vectors/" + file))
        let search = try loaded.wordVectors()
        #expect((0..<search.count).map(search.word) == expected.words)
        #expect(search.model.vectors.toArray() == expected.vectors.flatMap { $0 })
        let metadata = try zoo.model(named: "words").metadata()
        #expect(metadata.source.format == format && metadata.architecture == "word-vectors" && metadata.dtype == "float32")
        #expect(loaded.tokenizer.encode("king 東京 unknown café") == [1, 5, 3])
        #expect(loaded.commands == ["similarity", "neighbors", "analogy", "eval-analogies"])
    }

    @Test func float16StorageKeepsTheVectorsToHalfPrecision() throws {
        let loaded = try convert(fixture("word-vectors/tiny.glove.txt"), dtype: .float16)
        #expect(try zoo.model(named: "words").metadata().dtype == "float16")
        let all = try JSONDecoder().decode([String: Expected].self,
                                           from: Data(contentsOf: fixture("word-vectors/tiny.expected.json")))
        let exact = all["tiny.glove.txt"]!.vectors.flatMap { $0 }
        let stored = try loaded.wordVectors().model.vectors.toArray()
        // float16 keeps 11 significant bits: a relative error of at most 2^-11.
        #expect(zip(stored, exact).allSatisfy { abs($0 - $1) <= abs($1) * 0x1p-11 + 1e-7 })
    }

    @Test func repeatedWordsKeepTheirFirstVectorAndAreReported() throws {
        let file = temporaryFolder("words-source").appendingPathComponent("repeats.txt")
        try "a 1 2\nb 3 4\na 5 6\nc 7 8\nb 9 10\n".write(to: file, atomically: true, encoding: .utf8)
        var notes: [String] = []
        let search = try convert(file, notes: &notes).wordVectors()
        #expect((0..<search.count).map(search.word) == ["a", "b", "c"])
        #expect(search.model.vectors.toArray() == [1, 2, 3, 4, 7, 8])
        #expect(notes == ["2 repeated words dropped (the first vector of each is kept)"])
    }

    @Test func windowsLineEndsTrailingSpacesTabsAndFinalEmptyLinesAreAccepted() throws {
        let file = temporaryFolder("words-source").appendingPathComponent("loose.txt")
        try "2 2\r\nup 0.5\t-1e-1 \r\ndown -0.5 .25\r\n\r\n\n".write(to: file, atomically: true, encoding: .utf8)
        let search = try convert(file).wordVectors()
        #expect((0..<search.count).map(search.word) == ["up", "down"])
        #expect(search.model.vectors.toArray() == [0.5, -0.1, -0.5, 0.25])
    }

    @Test func badTextFilesNameTheLine() {
        #expect(refused("") == "the file is empty")
        #expect(refused(" \n\n") == "the file is empty")
        #expect(refused("a 1 2 3\nb 1 2 3\nc 1 2\n") == "line 3 has 2 values, but line 1 gives 3 dimensions")
        #expect(refused("a 1 2\nb 1 2 3\n") == "line 2 has 3 values, but line 1 gives 2 dimensions")
        #expect(refused("a 1 2\nb 1 x2\n") == "line 2: value 2 (\"x2\") is not a finite number")
        #expect(refused("a 1 2\nb nan 2\n") == "line 2: value 1 (\"nan\") is not a finite number")
        #expect(refused("a 1 2\nb 1 1e39\n") == "line 2: value 2 (\"1e39\") is not a finite number")
        #expect(refused(Array("a 1 2\n".utf8) + [0x62, 0xFF, 0x20, 0x31, 0x20, 0x32, 0x0A]) == "line 2: the word is not valid UTF-8")
        #expect(refused("a 1 2\n\nb 1 2\n") == "line 2 is empty")
        #expect(refused("a 1 2\nb\n") == "line 2 has 0 values, but line 1 gives 2 dimensions")
    }

    @Test func badWord2VecTextNamesTheLineOrTheHeader() {
        #expect(refused("2 3\na 1 2 3\nb 1 2 3 4\n") == "line 3 has 4 values, but the header gives 3 dimensions")
        #expect(refused("3 2\na 1 2\nb 1 2\n") == "the header announces 3 words but the file has 2")
        #expect(refused("1 2\na 1 2\nb 1 2\n") == "line 3: more lines than the 1 words the header announces")
        #expect(refused("2 0\n") == "line 1: the header announces 2 words of 0 dimensions")
        #expect(refused("2 2\n") == "the header announces 2 words but no line follows")
    }

    @Test func badWord2VecBinaryNamesTheWord() throws {
        let good = try [UInt8](Data(contentsOf: fixture("word-vectors/tiny.w2v.bin")))
        let truncated = refused(Array(good.dropLast(3)), name: "vectors.bin")
        #expect(truncated.hasPrefix("word 8 of 8 (at byte ") && truncated.hasSuffix("the file ends inside its vector (truncated, or the header's dimension is wrong)"))
        #expect(refused(good + Array("extra".utf8), name: "vectors.bin") == "5 bytes after the 8 words the header announces (is the count wrong?)")
        // The header announcing 9 words.
        var more = good
        more[0] = UInt8(ascii: "9")
        #expect(refused(more, name: "vectors.bin").hasPrefix("word 9 of 9 (at byte "))
        // A NaN as the first value of the first word.
        let firstVector = good.firstIndex(of: 0x20, after: good.firstIndex(of: 0x0A)!)! + 1
        var nan = good
        nan.replaceSubrange(firstVector..<firstVector + 4, with: [0x00, 0x00, 0xC0, 0x7F])
        #expect(refused(nan, name: "vectors.bin") == "word 1 of 8 (at byte 4): value 1 is not a finite number")
    }

    @Test func aFileThatIsNoWordVectorsSaysWhatZooReads() {
        let message = refused("Dear diary,\ntoday I converted a model.\n", name: "notes.txt")
        #expect(message.hasPrefix("neither a Hugging Face model folder") && message.contains("nor word vectors (GloVe or word2vec text, word2vec binary)"))
        // A zip archive is a PyTorch weights file, which needs the folder around it.
        #expect(refused([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00], name: "model.bin").hasPrefix("a weights file alone cannot be converted"))
    }
}

extension Array where Element == UInt8 {
    func firstIndex(of byte: UInt8, after index: Int) -> Int? { self[(index + 1)...].firstIndex(of: byte) }
}
