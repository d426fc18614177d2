import Foundation
import Testing
@testable import Zoo

/// Zoo's chat template renderer against transformers' Jinja set-up (Tools/make_chat_template_fixtures.py): the
/// same text for every template and conversation, the same refusals through raise_exception, and a clear error for
/// each construct it does not implement.
@Suite struct ChatTemplateTests {
    struct Expected: Decodable {
        struct Message: Decodable { let role: String; let content: String }
        struct Case: Decodable {
            let messages: [Message]
            let add_generation_prompt: Bool
            let output: String?
            let error: String?
        }
        struct Template: Decodable { let name: String; let template: String; let cases: [Case] }
        struct Unsupported: Decodable { let template: String; let error_contains: String }
        let special_tokens: [String: String]
        let templates: [Template]
        let unsupported: [Unsupported]
    }

    static let expected = try! JSONDecoder().decode(
        Expected.self, from: Data(contentsOf: fixture("chat-templates.expected.json")))

    @Test(arguments: expected.templates.map(\.name))
    func rendersAsTransformersDoes(template name: String) throws {
        let entry = Self.expected.templates.first { $0.name == name }!
        let template = try ChatTemplate(entry.template)
        for testCase in entry.cases {
            let messages = testCase.messages.map { ChatMessage(role: $0.role, content: $0.content) }
            let label = "\(name), \(messages.count) messages, generation prompt \(testCase.add_generation_prompt)"
            do {
                let output = try template.render(messages: messages, addGenerationPrompt: testCase.add_generation_prompt,
                                                 specialTokens: Self.expected.special_tokens)
                #expect(output == testCase.output, "\(label)")
            } catch {
                let expectedError = try #require(testCase.error, "\(label): \(error)")
                #expect(error.raisedByTemplate && error.description.hasSuffix(expectedError), "\(label): \(error)")
            }
        }
    }

    @Test(arguments: expected.unsupported.map(\.template))
    func unsupportedConstructsAreNamed(template source: String) {
        let phrase = Self.expected.unsupported.first { $0.template == source }!.error_contains
        let messages = [ChatMessage(role: "user", content: "Hi")]
        #expect {
            try ChatTemplate(source).render(messages: messages)
        } throws: { error in
            "\(error)".contains(phrase) && "\(error)".contains("not supported")
        }
    }

    @Test func malformedTemplatesAreErrorsWithTheirLine() {
        let cases = [
            ("{% for m in messages %}\n{{ m.content }}", "line 1", "\"for\" block is never closed"),
            ("Hello\n{{ 'unclosed }}", "line 2", "never closed"),
            ("{% if x %}{% endfor %}", "line 1", "endfor"),
            ("{% endif %}", "line 1", "endif"),
            ("a\nb\n{{ 1 + }}", "line 3", "expected a value"),
        ]
        for (source, line, phrase) in cases {
            #expect {
                try ChatTemplate(source).render(messages: [])
            } throws: { error in
                "\(error)".contains(line) && "\(error)".contains(phrase)
            }
        }
    }

    @Test func undefinedValuesBehaveAsInJinja() throws {
        let template = try ChatTemplate("[{{ nothing }}]{% if nothing %}yes{% else %}no{% endif %}{{ nothing is defined }}")
        #expect(try template.render(messages: []) == "[]noFalse")
        #expect(throws: ChatTemplateError.self) { try ChatTemplate("{{ nothing.role }}").render(messages: []) }
    }
}
