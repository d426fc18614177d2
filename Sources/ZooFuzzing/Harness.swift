import Foundation
import Zoo

/// One parser of outside bytes, driven with one input at a time. `run` must return or throw for every input: a
/// crash (a trap, a signal) or a hang is a defect of the parser. A thrown error is the parser refusing the
/// input, which is the right answer for most mutated files.
public struct Harness: Sendable {
    public let name: String
    /// What the input is, for the runner's table.
    public let summary: String
    /// Inputs larger than this are cut to it when read as corpus (the parsers read headers; the rest is bulk).
    public let maximumCorpusInput: Int
    let body: @Sendable (Data, Workspace) throws -> Void

    /// Runs one input in `workspace`, a scratch folder emptied before each run.
    public func run(_ input: Data, in workspace: Workspace) throws {
        try workspace.reset()
        try body(input, workspace)
    }
}

/// The scratch folder of one runner process, on tmpfs when there is one.
public struct Workspace: Sendable {
    public let folder: URL

    public init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm")
            : FileManager.default.temporaryDirectory
        folder = base.appendingPathComponent("zoo-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func reset() throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    /// Writes `data` as `name` in the workspace and returns its URL.
    func file(_ name: String, _ data: Data) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The separator between the two files of a two-file input (vocab.json and merges.txt).
let fileSeparator = Data("\n\u{0}--zoo-fuzz-next-file--\u{0}\n".utf8)

/// Splits a two-file input at its separator; without one, the second file is empty.
func splitFiles(_ input: Data) -> (Data, Data) {
    guard let range = input.range(of: fileSeparator) else { return (input, Data()) }
    return (input[..<range.lowerBound], input[range.upperBound...])
}

/// Touches every element of a tensor, so that a view beyond its mapping would fault here.
func touch(_ tensor: Tensor) -> UInt8 {
    let bytes = UnsafeRawBufferPointer(start: tensor.rawPointer, count: tensor.byteCount)
    return bytes.reduce(0, ^)
}

/// Exercises a loaded tokenizer the way the pipelines do.
func exercise(_ tokenizer: Tokenizer) {
    for text in ["Hello world, 123 héllo 😀", "  [MASK] <|endoftext|> \u{0}\t\n", ""] {
        let ids = tokenizer.encode(text)
        _ = tokenizer.decode(ids)
        _ = tokenizer.encode(text, pair: "second", addSpecialTokens: true)
    }
    _ = tokenizer.decode([0, 1, 2, tokenizer.vocabularySize - 1].filter { $0 >= 0 && $0 < tokenizer.vocabularySize })
}

extension Harness {
    /// Every harness, by name.
    public static let all: [Harness] = [config, tokenizerJSON, vocabText, vocabMerges, safetensors, gguf, hdf5]
        + PickleHarnesses.all

    public static func named(_ name: String) -> Harness? { all.first { $0.name == name } }

    static let config = Harness(name: "config", summary: "config.json through ModelConfig and the architecture plugins",
                                maximumCorpusInput: 1 << 20) { input, workspace in
        let url = try workspace.file("config.json", input)
        let config = try ModelConfig(contentsOf: url)
        let architecture = try Architectures.instantiate(config)
        for name in architecture.tensorShapes.keys.sorted().prefix(64) {
            if let export = architecture.exportName(forCanonicalName: name) {
                _ = architecture.importRule(forHuggingFaceName: export.huggingFaceName)
            }
        }
    }

    static let tokenizerJSON = Harness(name: "tokenizer-json", summary: "tokenizer.json, then encode and decode",
                                       maximumCorpusInput: 1 << 20) { input, workspace in
        _ = try workspace.file("tokenizer.json", input)
        exercise(try Tokenizer.load(directory: workspace.folder))
    }

    static let vocabText = Harness(name: "vocab-txt", summary: "WordPiece vocab.txt, then encode and decode",
                                   maximumCorpusInput: 1 << 20) { input, workspace in
        _ = try workspace.file("vocab.txt", input)
        exercise(try Tokenizer.load(directory: workspace.folder))
    }

    static let vocabMerges = Harness(name: "vocab-merges", summary: "vocab.json + merges.txt, then encode and decode",
                                     maximumCorpusInput: 1 << 20) { input, workspace in
        let (vocabulary, merges) = splitFiles(input)
        _ = try workspace.file("vocab.json", vocabulary)
        _ = try workspace.file("merges.txt", merges)
        exercise(try Tokenizer.load(directory: workspace.folder))
    }

    static let safetensors = Harness(name: "safetensors", summary: "safetensors header and tensor views",
                                     maximumCorpusInput: 1 << 20) { input, workspace in
        let file = try SafetensorsFile(contentsOf: try workspace.file("model.safetensors", input))
        for name in file.names where file.unreadableDType(name) == nil { _ = touch(try file.tensor(name)) }
    }

    static let gguf = Harness(name: "gguf", summary: "GGUF header and metadata, then the whole GGUF import",
                              maximumCorpusInput: 4 << 20) { input, workspace in
        let url = try workspace.file("model.gguf", input)
        let file = try GGUFFile(contentsOf: url)
        for name in file.names where file.info(name)?.type.dtype != nil { _ = touch(try file.tensor(name)) }
        let zoo = workspace.folder.appendingPathComponent("zoo")
        _ = try Converter(zoo: ModelZoo(folders: [zoo])).convert(url, options: .init(name: "m")).load()
    }

    static let hdf5 = Harness(name: "weights-h5", summary: "weights.h5 through the checks and libhdf5",
                              maximumCorpusInput: 1 << 20) { input, workspace in
        let weights = try ZooWeights(contentsOf: try workspace.file("weights.h5", input))
        for name in weights.names { _ = touch(try weights.tensor(name)) }
    }
}
