#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZooFuzzing

/// zoo-fuzz: a seeded mutation fuzzer for every parser of outside bytes in Zoo (see Tools/fuzz, which runs it).
///
///   zoo-fuzz list
///   zoo-fuzz drive HARNESS SECONDS SEED FINDINGS-DIR CORPUS-FILE...   runs batches in child processes
///   zoo-fuzz batch HARNESS SEED FIRST COUNT PROGRESS-FILE CORPUS-FILE...   (the child side)
///   zoo-fuzz make HARNESS SEED INDEX OUT-FILE CORPUS-FILE...           writes input INDEX of SEED
///   zoo-fuzz replay HARNESS FILE...                                    runs saved inputs, in this process
let usage = """
    usage: zoo-fuzz list
           zoo-fuzz drive HARNESS SECONDS SEED FINDINGS-DIR CORPUS-FILE...
           zoo-fuzz batch HARNESS SEED FIRST COUNT PROGRESS-FILE CORPUS-FILE...
           zoo-fuzz make HARNESS SEED INDEX OUT-FILE CORPUS-FILE...
           zoo-fuzz replay HARNESS FILE...
    """

/// Seconds one input may take before it counts as a hang.
let inputTimeout: UInt32 = 10
/// Inputs per child process: a fresh process now and then keeps leaks and libhdf5's state from piling up.
let batchSize: UInt64 = 2000
/// The address space of a child: an input that makes a parser allocate more is a finding.
let memoryLimit = 3 << 30

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("zoo-fuzz: \(message)\n".utf8))
    exit(2)
}

func harness(_ name: String) -> Harness {
    guard let harness = Harness.named(name) else {
        fail("unknown harness \(name): \(Harness.all.map(\.name).joined(separator: ", "))")
    }
    return harness
}

func number(_ text: String) -> UInt64 {
    guard let value = UInt64(text) else { fail("\(text) is not a number") }
    return value
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail(usage) }
arguments.removeFirst()

do {
    switch command {
    case "list":
        for harness in Harness.all { print("\(harness.name)\t\(harness.summary)") }

    case "batch":
        guard arguments.count >= 6 else { fail(usage) }
        let harness = harness(arguments[0])
        let first = number(arguments[2]), count = number(arguments[3])
        let runner = BatchRunner(harness: harness, mutator: Mutator(corpus: try readCorpus(Array(arguments[5...]), harness: harness)),
                                 seed: number(arguments[1]), timeout: inputTimeout)
        let refused = try runner.run(first..<(first + count), progress: URL(fileURLWithPath: arguments[4]),
                                     memoryLimit: memoryLimit)
        print(refused)

    case "drive":
        guard arguments.count >= 5 else { fail(usage) }
        let harness = harness(arguments[0])
        let driver = Driver(harness: harness, seconds: Double(number(arguments[1])), seed: number(arguments[2]),
                            findings: URL(fileURLWithPath: arguments[3]), corpus: Array(arguments[4...]))
        let result = try driver.run()
        print("\(harness.name)\t\(result.executions)\t\(result.refused)\t\(result.crashes)\t\(result.hangs)")
        if result.crashes + result.hangs > 0 { exit(1) }

    case "make":
        guard arguments.count >= 5 else { fail(usage) }
        let harness = harness(arguments[0])
        let mutator = Mutator(corpus: try readCorpus(Array(arguments[4...]), harness: harness))
        try mutator.input(seed: number(arguments[1]), index: number(arguments[2])).write(to: URL(fileURLWithPath: arguments[3]))

    case "replay":
        guard arguments.count >= 2 else { fail(usage) }
        let harness = harness(arguments[0])
        let workspace = try Workspace()
        defer { workspace.remove() }
        for path in arguments[1...] {
            guard let input = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
            do {
                try harness.run(input, in: workspace)
                print("\(path): accepted")
            } catch {
                print("\(path): refused: \(error)")
            }
        }

    default:
        fail(usage)
    }
} catch {
    fail("\(error)")
}
