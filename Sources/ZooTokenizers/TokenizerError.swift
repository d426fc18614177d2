/// A tokenizer file that cannot be used: `description` reads "path: problem".
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or directory at fault.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
