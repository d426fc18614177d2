import Foundation
import Testing
@testable import Zoo

/// Caps on what a config may declare, and inputs beyond a model's context, through the library.
@Suite struct ConfigLimitsTests {
    func configError(_ fixtureName: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        let folder = copyOfFixture(fixtureName)
        let url = folder.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        let zooFolder = temporaryFolder("zoo")
        do {
            try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(folder, options: .init(name: "m"))
            Issue.record("converted")
        } catch {
            #expect(try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).isEmpty)
            #expect("\(error)".hasPrefix(url.path + ": "), "\(error)")
            return "\(error)"
        }
        return ""
    }

    @Test func layerCountsAndSizesBeyondTheLimitsAreRefused() throws {
        #expect(try configError("tiny-gpt2") { $0["n_layer"] = 1_000_000_000 }
            .contains("n_layer 1000000000 is beyond the limit of 1024 layers"))
        #expect(try configError("tiny-gpt2") { $0["n_embd"] = 1 << 40 }
            .contains("n_embd 1099511627776 is beyond the limit of \(ModelConfig.maximumSize)"))
        #expect(try configError("tiny-llama") { $0["head_dim"] = Int.max / 2 }
            .contains("head_dim \(Int.max / 2) is beyond the limit"))
        #expect(try configError("tiny-llama") { $0["num_hidden_layers"] = 5000 }.contains("num_hidden_layers 5000"))
        #expect(try configError("tiny-bert") { $0["num_hidden_layers"] = 5000 }
            .contains("5000 layers is beyond the limit of 1024 layers"))
        #expect(try configError("tiny-distilbert") { $0["vocab_size"] = 1 << 30 }.contains("must be at most"))
    }

    @Test func aConfigFileBeyondTheSizeLimitIsRefusedUnread() throws {
        let url = temporaryFolder("config").appendingPathComponent("config.json")
        try Data("{}".utf8).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(ModelConfig.maximumFileSize + 1))
        try handle.close()
        do {
            _ = try ModelConfig(contentsOf: url)
            Issue.record("read")
        } catch {
            #expect("\(error)" == "\(url.path): \(ModelConfig.maximumFileSize + 1) bytes is beyond the limit of \(ModelConfig.maximumFileSize) bytes for a config file")
        }
    }

    @Test func aTokenizerIDBeyondTheEmbeddingTableIsRefusedAtLoad() throws {
        let zooFolder = temporaryFolder("zoo")
        let stored = try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(fixture("tiny-gpt2"), options: .init(name: "m"))
        // A vocabulary with a gap: 600 tokens, as many as the table has rows, but one of them with id 5000.
        let vocabURL = stored.folder.appendingPathComponent("vocab.json")
        var vocab = try JSONSerialization.jsonObject(with: Data(contentsOf: vocabURL)) as! [String: Int]
        let last = vocab.max { $0.value < $1.value }!.key
        vocab[last] = 5000
        try JSONSerialization.data(withJSONObject: vocab).write(to: vocabURL)
        try FileManager.default.removeItem(at: stored.folder.appendingPathComponent("tokenizer.json"))
        try FileManager.default.removeItem(at: stored.folder.appendingPathComponent("manifest.json"))
        try Manifest(building: stored.folder).write(to: stored.folder.appendingPathComponent("manifest.json"))
        do {
            _ = try stored.load()
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains("the tokenizer gives ids up to 5000 but the model's embedding table has only 600 rows"), "\(error)")
        }
    }

    @Test func aChatBeyondTheContextIsAnErrorAndLeavesTheConversation() throws {
        let zooFolder = temporaryFolder("zoo")
        let stored = try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(fixture("tiny-llama"), options: .init(name: "m"))
        let session = try ChatSession(model: stored)
        do {
            try session.reply(to: String(repeating: "hello world ", count: 200), options: .init(maxNewTokens: 2))
            Issue.record("a chat beyond the context ran")
        } catch {
            #expect("\(error)".contains("takes at most"), "\(error)")
        }
        #expect(session.messages.isEmpty)
    }
}
