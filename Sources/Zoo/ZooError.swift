/// A problem Zoo reports to its user: one line, naming the file or model concerned.
public struct ZooError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// A problem with the file or folder at `path`.
    public init(path: String, _ problem: String) { self.description = "\(path): \(problem)" }
}
