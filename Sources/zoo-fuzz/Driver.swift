#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZooFuzzing

/// Runs one harness for a bounded time as a series of child processes (`zoo-fuzz batch`), each on the next range
/// of input indices. A child that dies by a signal crashed on the input its progress file names (SIGALRM: that
/// input hung); the driver makes the input again from the seed, saves it, and goes on after it.
struct Driver {
    let harness: Harness
    let seconds: Double
    let seed: UInt64
    let findings: URL
    let corpus: [String]

    struct Result {
        var executions: UInt64 = 0
        var refused = 0
        var crashes = 0
        var hangs = 0
    }

    func run() throws -> Result {
        try FileManager.default.createDirectory(at: findings, withIntermediateDirectories: true)
        let mutator = Mutator(corpus: try readCorpus(corpus, harness: harness))
        let progress = findings.appendingPathComponent(".progress-\(harness.name)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: progress) }
        let deadline = Date().addingTimeInterval(seconds)
        var result = Result()
        var next: UInt64 = 0
        while Date() < deadline {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            child.arguments = ["batch", harness.name, "\(seed)", "\(next)", "\(batchSize)", progress.path] + corpus
            var environment = ProcessInfo.processInfo.environment
            environment["SWIFT_BACKTRACE"] = "enable=no"
            child.environment = environment
            let output = Pipe()
            child.standardOutput = output
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Stop a batch that outlives the deadline between inputs: the time bound holds for the whole run.
            let watchdog = DispatchWorkItem { if child.isRunning { kill(child.processIdentifier, SIGTERM) } }
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, deadline.timeIntervalSinceNow) + 0.5,
                                              execute: watchdog)
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            child.waitUntilExit()
            watchdog.cancel()
            if child.terminationReason == .exit && child.terminationStatus == 0 {
                result.executions += batchSize
                result.refused += Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                next += batchSize
                continue
            }
            let (last, refusedBefore) = lastProgress(progress) ?? (next, 0)
            result.executions += last - next + 1
            result.refused += refusedBefore
            let signal = child.terminationStatus
            if child.terminationReason == .uncaughtSignal && signal == SIGTERM && Date() >= deadline {
                result.executions -= 1  // stopped by the watchdog, not a finding
                break
            }
            let kind = child.terminationReason == .uncaughtSignal && signal == SIGALRM ? "hang" : "crash"
            if kind == "hang" { result.hangs += 1 } else { result.crashes += 1 }
            let saved = findings.appendingPathComponent("\(harness.name)-\(kind)-seed\(seed)-input\(last).bin")
            try mutator.input(seed: seed, index: last).write(to: saved)
            let how = child.terminationReason == .uncaughtSignal ? "signal \(signal)" : "exit status \(signal)"
            FileHandle.standardError.write(Data("zoo-fuzz: \(harness.name): \(kind) (\(how)) on input \(last), saved as \(saved.path)\n".utf8))
            next = last + 1
        }
        return result
    }

    /// The index of the input a child was running and how many it had refused before it.
    private func lastProgress(_ progress: URL) -> (UInt64, Int)? {
        guard let data = FileManager.default.contents(atPath: progress.path), data.count >= 16 else { return nil }
        return data.withUnsafeBytes {
            ($0.loadUnaligned(as: UInt64.self).littleEndian, Int($0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian))
        }
    }
}
