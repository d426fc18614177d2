import Foundation
import Testing
@testable import Zoo

/// Conversations with tiny-llama, whose tokenizer_config.json carries SmolLM2's chat template.
@Suite struct ChatSessionTests {
    let zooFolder = temporaryFolder("zoo")
    var zoo: ModelZoo { ModelZoo(folders: [zooFolder]) }

    init() throws {
        try Converter(zoo: ModelZoo(folders: [zooFolder])).convert(fixture("tiny-llama"), options: .init(name: "m"))
    }

    /// Replaces the model's chat template (keeping its manifest true).
    func setTemplate(_ template: String) throws {
        let folder = zooFolder.appendingPathComponent("m")
        let url = folder.appendingPathComponent("tokenizer_config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        config["chat_template"] = template
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        try Manifest(building: folder).write(to: folder.appendingPathComponent("manifest.json"))
    }

    @Test func theReplyMatchesTransformersAndJoinsTheConversation() throws {
        let expected = try ExpectedOutputs.load("tiny-llama")
        let chatCase = try #require(expected.cases.last)
        let session = try ChatSession(model: zoo.model(named: "m"), system: "Be brief.")
        let result = try session.reply(to: "Once upon a time", options: GenerationOptions(maxNewTokens: 24))
        #expect(result.promptIDs == chatCase.prompt_ids)
        #expect(result.generatedIDs == chatCase.greedy_ids)
        #expect(session.messages == [ChatMessage(role: "system", content: "Be brief."),
                                     ChatMessage(role: "user", content: "Once upon a time"),
                                     ChatMessage(role: "assistant", content: chatCase.greedy_text)])
        #expect(try session.prompt().hasPrefix(chatCase.prompt + chatCase.greedy_text + "<|im_end|>\n"))
    }

    @Test func aRefusedConversationIsLeftAsItWas() throws {
        try setTemplate("{% if messages | length > 1 %}{{ raise_exception('one message only') }}{% endif %}{{ messages[0].content }}")
        let session = try ChatSession(model: zoo.model(named: "m"))
        try session.reply(to: "Hello", options: GenerationOptions(maxNewTokens: 2))
        #expect(session.messages.count == 2)
        #expect {
            try session.reply(to: "Again", options: GenerationOptions(maxNewTokens: 2))
        } throws: { "\($0)".contains("refuses this conversation: one message only") }
        #expect(session.messages.count == 2)
    }

    @Test func anUnsupportedTemplateIsAnErrorNamingTheFile() throws {
        try setTemplate("{% for m in messages %}{{ m | tojson }}{% endfor %}")
        #expect {
            try ChatSession(model: zoo.model(named: "m"))
        } throws: { error in
            "\(error)".contains("tokenizer_config.json") && "\(error)".contains("the filter \"tojson\" is not supported")
        }
    }
}
