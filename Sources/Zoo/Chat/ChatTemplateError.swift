/// Why a chat template cannot be read or rendered: one line, naming the template's line and the construct.
public struct ChatTemplateError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// True when the template itself refused the conversation through `raise_exception`.
    public let raisedByTemplate: Bool

    init(line: Int, _ problem: String) {
        description = "chat template line \(line): \(problem)"
        raisedByTemplate = false
    }

    init(raisedMessage: String) {
        description = "the chat template refuses this conversation: \(raisedMessage)"
        raisedByTemplate = true
    }

    /// A construct of Jinja that the renderer does not implement.
    static func unsupported(_ construct: String, line: Int) -> ChatTemplateError {
        ChatTemplateError(line: line, "\(construct) is not supported by Zoo's chat template renderer")
    }
}
