// Times ZooTokenizers encoding a text file, for Tools/bench_tokenizers.py, which times Hugging Face tokenizers
// on the same text in the same run:
//
//     zoo-tokenizer-bench TOKENIZER_JSON TEXT_FILE [REPEATS]
//
// prints one line per workload: its name, the best throughput over the repeats in MB/s of UTF-8 input per second of
// the process's CPU time (the machines are shared: wall time mostly measures the neighbours), and the number of ids
// with their sum, so that the caller can check that both runtimes gave the same ids.
import Foundation
import ZooTokenizers

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: zoo-tokenizer-bench TOKENIZER_JSON TEXT_FILE [REPEATS]\n".utf8))
    exit(2)
}
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

do {
    let tokenizer = try Tokenizer.load(file: URL(fileURLWithPath: arguments[1]))
    let text = try String(contentsOfFile: arguments[2], encoding: .utf8)
    let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
    let lines = text.split(separator: "\n").map(String.init)
    let megabytes = Double(text.utf8.count) / 1_000_000

    func measure(_ name: String, _ encode: () -> [Int]) {
        var best = Double.infinity
        var ids: [Int] = []
        for _ in 0..<repeats {
            let start = cpuSeconds()
            ids = encode()
            best = min(best, cpuSeconds() - start)
        }
        print("\(name)\t\(megabytes / best)\t\(ids.count)\t\(ids.reduce(0, +))")
    }
    measure("lines") { lines.flatMap { tokenizer.encode($0, addSpecialTokens: false) } }
    measure("whole") { tokenizer.encode(text, addSpecialTokens: false) }
} catch {
    FileHandle.standardError.write(Data("zoo-tokenizer-bench: \(error)\n".utf8))
    exit(1)
}
