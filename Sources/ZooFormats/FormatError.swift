/// A file that cannot be read or written in a zoo format. The description is one line: `<file path>: <problem>`,
/// with the tensor named when the problem concerns one.
public struct FormatError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    /// The tensor concerned, when there is one.
    public let tensor: String?
    public let problem: String

    public init(path: String, tensor: String? = nil, _ problem: String) {
        self.path = path
        self.tensor = tensor
        self.problem = problem
    }

    public var description: String {
        let line = tensor.map { "\(path): tensor \($0.debugDescription): \(problem)" } ?? "\(path): \(problem)"
        // Paths and HDF5 messages may hold line breaks; the contract is one line.
        return String(line.map { $0.isNewline ? " " : $0 })
    }
}
