import Foundation
import Testing

/// The `zoo` executable, run as a user runs it: results on stdout, one-line errors on stderr, exit status.
@Suite struct CLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: URL = {
        // The test bundle and the products live in the same build folder.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("zoo").path) && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("zoo")
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ZooTests/Fixtures")

    let zooFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func zoo(_ arguments: String...) throws -> Run { try zoo(arguments) }

    /// `environment` adds to (or overrides) this process's variables.
    func zoo(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + ["--zoo", zooFolder.path]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    func expectOneLineError(_ run: Run, containing text: String) {
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("zoo: error: ") && run.stderr.filter { $0 == "\n" }.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(text), "\(run.stderr)")
    }

    /// libhdf5 and OpenBLAS are linked from their static archives (Package.swift): their shared builds bring libcurl,
    /// OpenSSL, GnuTLS, Kerberos and libgfortran into every zoo process, 7.5 MB more of its resident memory.
    @Test func loadsNoSharedBuildOfTheLibrariesItLinksStatically() throws {
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [Self.binary.path]
        let out = Pipe()
        ldd.standardOutput = out
        try ldd.run()
        let libraries = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        #expect(ldd.terminationStatus == 0 && libraries.contains("libc.so"), "\(libraries)")
        for name in ["libhdf5", "libopenblas", "libcurl", "libgfortran"] {
            #expect(!libraries.contains(name), "\(name) in \(libraries)")
        }
    }

    @Test func convertListInfoTokenizeGenerate() throws {
        let source = Self.fixtures.appendingPathComponent("tiny-gpt2").path
        let convert = try zoo("convert", source, "--name", "tiny")
        #expect(convert.status == 0, "\(convert.stderr)")

        let list = try zoo("list")
        #expect(list.stdout.hasPrefix("tiny\tgpt2\t"))

        let info = try zoo("info", "tiny", "--json")
        let object = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        #expect(object["architecture"] as? String == "gpt2" && object["dtype"] as? String == "float32")

        let tokens = try zoo("tokenize", "tiny", "Hello world", "--json")
        let encoding = try JSONSerialization.jsonObject(with: Data(tokens.stdout.utf8)) as! [String: [Any]]
        #expect(encoding["ids"]?.count == encoding["tokens"]?.count && encoding["ids"]?.isEmpty == false)

        let generate = try zoo("generate", "tiny", "Once upon a time", "--max-new-tokens", "24", "--json")
        #expect(generate.status == 0, "\(generate.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(generate.stdout.utf8)) as! [String: Any]
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("tiny-gpt2.expected.json"))) as! [String: Any]
        let firstCase = (expected["cases"] as! [[String: Any]])[0]
        #expect(result["generated_ids"] as? [Int] == firstCase["greedy_ids"] as? [Int])
        #expect(result["prompt_ids"] as? [Int] == firstCase["prompt_ids"] as? [Int])

        let streamed = try zoo("generate", "tiny", "Once upon a time", "--max-new-tokens", "24")
        #expect(streamed.stdout == (firstCase["greedy_text"] as! String) + "\n")
    }

    @Test func tokenizeWithATokenizerFile() throws {
        let file = Self.fixtures.appendingPathComponent("tiny-gpt2/tokenizer.json").path
        let run = try zoo("tokenize", "--tokenizer", file, "Hello world")
        #expect(run.status == 0 && !run.stdout.isEmpty)
    }

    @Test func aModelNotInTheZoo() throws {
        expectOneLineError(try zoo("generate", "nope", "hi"), containing: "no model named \"nope\"")
        expectOneLineError(try zoo("info", "nope"), containing: "no model named \"nope\"")
    }

    @Test func aSourceThatDoesNotExist() throws {
        expectOneLineError(try zoo("convert", "/no/such/folder", "--name", "x"), containing: "/no/such/folder: no such file")
    }

    @Test func aMissingTokenizerFile() throws {
        expectOneLineError(try zoo("tokenize", "--tokenizer", "/no/such/tokenizer.json", "hi"),
                           containing: "/no/such/tokenizer.json")
    }

    @Test func aPromptLongerThanTheContextWindow() throws {
        let source = Self.fixtures.appendingPathComponent("tiny-gpt2").path
        #expect(try zoo("convert", source, "--name", "tiny").status == 0)
        let prompt = String(repeating: "fox jumps ", count: 100)
        expectOneLineError(try zoo("generate", "tiny", prompt), containing: "takes at most 64")
    }

    @Test func badUsageExitsWithUsageStatus() throws {
        let run = try zoo("generate", "tiny", "hi", "--top-p", "3")
        #expect(run.status == 64)
        #expect(run.stderr.contains("--top-p"))
    }
}
