#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs inputs of one harness in this process: the child side of the fuzzer. Before each input it records the
/// input's index and the refusals so far in the progress file and arms an alarm, so that when the process dies (a crash, or SIGALRM for a
/// hang) the driver knows which input did it and can make it again from the seed.
public struct BatchRunner {
    public let harness: Harness
    public let mutator: Mutator
    public let seed: UInt64
    /// Seconds one input may take before it counts as a hang.
    public let timeout: UInt32

    public init(harness: Harness, mutator: Mutator, seed: UInt64, timeout: UInt32) {
        self.harness = harness
        self.mutator = mutator
        self.seed = seed
        self.timeout = timeout
    }

    /// Runs inputs `range`, and returns how many the parser refused with an error.
    public func run(_ range: Range<UInt64>, progress: URL, memoryLimit: Int) throws -> Int {
        var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        let descriptor = open(progress.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FuzzError("cannot open \(progress.path)") }
        defer { close(descriptor) }
        let workspace = try Workspace()
        defer { workspace.remove() }
        var refused = 0
        for index in range {
            var record = [index.littleEndian, UInt64(refused).littleEndian]
            _ = pwrite(descriptor, &record, 16, 0)
            let input = mutator.input(seed: seed, index: index)
            alarm(timeout)
            do { try harness.run(input, in: workspace) } catch { refused += 1 }
            alarm(0)
        }
        return refused
    }
}

public struct FuzzError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads a corpus: every file given, each cut to the harness's limit.
public func readCorpus(_ paths: [String], harness: Harness) throws -> [Data] {
    try paths.map { path in
        guard let data = FileManager.default.contents(atPath: path) else { throw FuzzError("cannot read \(path)") }
        return data.prefix(harness.maximumCorpusInput)
    }
}
