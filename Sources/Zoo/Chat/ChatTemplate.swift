/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// "system", "user" or "assistant".
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's chat template: the Jinja template (as Hugging Face stores it in tokenizer_config.json) that turns a
/// conversation into the model's prompt text.
///
/// The renderer implements the part of Jinja that ChatML-style templates use: `for` loops (with `loop.first`,
/// `loop.last`, `loop.index0` and the rest of `loop`), `if`/`elif`/`else`, `set`, string concatenation with `+`
/// and `~`, `message['role']` and `message.content`, comparisons, `in`, `and`/`or`/`not`, inline `… if … else …`,
/// the tests `defined`/`none`/`string`, a few string filters and methods, whitespace control, and
/// `raise_exception`. It is configured as transformers configures Jinja for chat templates (`trim_blocks` and
/// `lstrip_blocks`). Anything else is refused when the template is read, or when rendering reaches it, with an
/// error naming the construct.
public struct ChatTemplate: Sendable {
    public let source: String
    private let nodes: [TemplateNode]

    public init(_ source: String) throws(ChatTemplateError) {
        self.source = source
        nodes = try TemplateParser.parse(source)
    }

    /// The prompt for `messages`. With `addGenerationPrompt` it ends with the opening of the assistant's turn.
    /// `specialTokens` are the tokenizer's named tokens (`bos_token`, `eos_token`, ...), which templates may use.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool = true,
                       specialTokens: [String: String] = [:]) throws(ChatTemplateError) -> String {
        var variables: [String: TemplateValue] = [
            "messages": .list(messages.map { .dictionary([("role", .string($0.role)), ("content", .string($0.content))]) }),
            "add_generation_prompt": .bool(addGenerationPrompt),
        ]
        for (name, token) in specialTokens { variables[name] = .string(token) }
        var renderer = TemplateRenderer(variables: variables)
        try renderer.render(nodes)
        return renderer.output
    }
}
