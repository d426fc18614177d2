/// A conversation with a model: each reply is generated from the whole conversation so far, rendered with the
/// model's chat template, and is then part of it.
public final class ChatSession {
    public let template: ChatTemplate
    public let generator: TextGenerator
    public private(set) var messages: [ChatMessage]
    /// The texts of the special tokens templates may use (`bos_token`, `eos_token`, ...).
    let specialTokens: [String: String]

    /// The model's end of turn in ChatML templates; a reply also ends at the model's end-of-sequence tokens.
    static let endOfTurnTokens = ["<|im_end|>"]

    /// Loads `model` (with `options`) for a conversation that starts with `system` as its system message, if given.
    public init(model: StoredModel, system: String? = nil, options: LoadOptions = LoadOptions()) throws {
        let loaded = try model.load(options)
        guard let template = try model.chatTemplate() else {
            throw ZooError("\(model.name) has no chat template (no \"chat_template\" in its tokenizer_config.json): use zoo generate")
        }
        guard let causal = loaded.model as? any CausalLanguageModel else { throw loaded.unsupported("chat") }
        let specialTokens = try model.specialTokenTexts()
        var stops = loaded.specialTokens.endOfSequence
        for token in Self.endOfTurnTokens + [specialTokens["eos_token"]].compactMap({ $0 }) {
            if let id = loaded.tokenizer.tokenID(special: token) { stops.insert(id) }
        }
        self.template = template
        self.specialTokens = specialTokens
        generator = TextGenerator(model: causal, tokenizer: loaded.tokenizer, name: model.name, stopTokens: stops,
                                  startToken: loaded.specialTokens.beginningOfSequence)
        messages = system.map { [ChatMessage(role: "system", content: $0)] } ?? []
    }

    /// The prompt text for the conversation so far, ending with the opening of the assistant's turn.
    public func prompt() throws -> String {
        try template.render(messages: messages, addGenerationPrompt: true, specialTokens: specialTokens)
    }

    /// Adds `message` from the user, generates the reply (streaming its text to `onText`), and adds the reply.
    /// When generation fails, the conversation is left as it was.
    @discardableResult
    public func reply(to message: String, options: GenerationOptions = GenerationOptions(),
                      onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        messages.append(ChatMessage(role: "user", content: message))
        do {
            // The template writes the special tokens itself, so the tokenizer adds none.
            let ids = generator.tokenizer.encode(try prompt(), addSpecialTokens: false)
            let result = try generator.generate(promptIDs: ids, options: options, onText: onText)
            messages.append(ChatMessage(role: "assistant", content: result.text))
            return result
        } catch {
            messages.removeLast()
            throw error
        }
    }
}
