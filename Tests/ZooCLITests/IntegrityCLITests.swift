#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Zoo

/// `zoo verify`, `zoo remove`, `zoo export` and the crash safety of `zoo convert`, run as separate processes.
@Suite struct IntegrityCLITests {
    let cli = CLITests()
    var zooFolder: URL { cli.zooFolder }

    func fixture(_ name: String) -> String { CLITests.fixtures.appendingPathComponent(name).path }

    /// The hidden entries of the zoo folder (staging, trash, lock files).
    func hiddenEntries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).filter { $0.hasPrefix(".") }.sorted()
    }

    @Test func verifyNamesEachFileThatDiffers() throws {
        #expect(try cli.zoo("convert", fixture("tiny-gpt2"), "--name", "m").status == 0)
        let clean = try cli.zoo("verify", "m")
        #expect(clean.status == 0 && clean.stdout.hasPrefix("m\tok\t"), "\(clean.stdout)\(clean.stderr)")

        let folder = zooFolder.appendingPathComponent("m")
        let vocab = folder.appendingPathComponent("vocab.json")
        var bytes = try Data(contentsOf: vocab)
        bytes[10] ^= 0x20
        try bytes.write(to: vocab)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("merges.txt"))
        try Data().write(to: folder.appendingPathComponent("extra.bin"))

        let damaged = try cli.zoo("verify", "m")
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("changed\tvocab.json: SHA-256"))
        #expect(damaged.stdout.contains("missing\tmerges.txt"))
        #expect(damaged.stdout.contains("extra\textra.bin"))
        #expect(damaged.stderr.contains("zoo: error: m: files differ from the manifest"))

        let json = try cli.zoo("verify", "m", "--json")
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: [[String: Any]]]
        let model = object["models"]![0]
        let problems = (model["files"] as! [[String: String]]).map { [$0["file"]!, $0["problem"]!] }
        #expect(model["ok"] as? Bool == false)
        #expect(problems == [["extra.bin", "extra"], ["merges.txt", "missing"], ["vocab.json", "changed"]])

        // Loading checks the sizes without hashing and names the file.
        let generate = try cli.zoo("generate", "m", "Hello")
        cli.expectOneLineError(generate, containing: "merges.txt")
    }

    @Test func aConversionToANameAnotherProcessHoldsFailsAtOnceNamingIt() throws {
        // This test process holds the lock file as a converting zoo would.
        let lockPath = zooFolder.appendingPathComponent(".lock-m").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        #expect(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        _ = "process \(getpid()) (converting: test)\n".withCString { write(descriptor, $0, strlen($0)) }
        let started = Date()
        let second = try cli.zoo("convert", fixture("tiny-gpt2"), "--name", "m")
        #expect(Date().timeIntervalSince(started) < 10)
        cli.expectOneLineError(second, containing: "is being written by another process (process \(getpid())")
        #expect(!FileManager.default.fileExists(atPath: zooFolder.appendingPathComponent("m").path))
        close(descriptor)

        // The holder is gone: its lock file is stale, and the next conversion takes over and removes it.
        let third = try cli.zoo("convert", fixture("tiny-gpt2"), "--name", "m")
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try hiddenEntries().isEmpty)
    }

    @Test func removeIsAtomicAndRefusesTheShippedModels() throws {
        #expect(try cli.zoo("convert", fixture("tiny-gpt2"), "--name", "m").status == 0)
        let removed = try cli.zoo("remove", "m")
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).isEmpty)
        cli.expectOneLineError(try cli.zoo("remove", "m"), containing: "no model named \"m\"")

        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models")
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["remove", "tiny-gpt2-random", "--zoo", zooFolder.path, "--zoo", bundled.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(stderr.contains("ships with Zoo in the source tree's Models/"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: bundled.appendingPathComponent("tiny-gpt2-random/weights.h5").path))
    }

    @Test func exportWritesAFolderThatConvertsBackAndRefusesAFullFolder() throws {
        #expect(try cli.zoo("convert", fixture("tiny-llama"), "--name", "m").status == 0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-export-\(UUID().uuidString)")
        let export = try cli.zoo("export", "m", "--to", "safetensors", out.path)
        #expect(export.status == 0, "\(export.stderr)")
        let again = try cli.zoo("convert", out.path, "--name", "again")
        #expect(again.status == 0, "\(again.stderr)")
        cli.expectOneLineError(try cli.zoo("export", "m", "--to", "safetensors", out.path), containing: "--force")
        cli.expectOneLineError(try cli.zoo("export", "m", "--to", "gguf", out.path + "-2"), containing: "--to must be safetensors")
        #expect(try cli.zoo("export", "m", "--to", "safetensors", out.path, "--force").status == 0)
    }

    /// A source big enough that its conversion spends most of its time writing: GPT-2 of width 256 and 4 layers
    /// (about 13 MB), with tiny-gpt2's tokenizer.
    func mediumSource() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-medium-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: CLITests.fixtures.appendingPathComponent("tiny-gpt2"), to: folder)
        let configURL = folder.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        config["n_embd"] = 256
        config["n_layer"] = 4
        config["n_positions"] = 256
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: configURL)
        let architecture = try Architectures.instantiate(try ModelConfig(contentsOf: configURL))
        var generator = SystemRandomNumberGenerator()
        var tensors: [String: Tensor] = [:]
        for (canonical, shape) in architecture.tensorShapes {
            let export = architecture.exportName(forCanonicalName: canonical)!
            let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -0.05...0.05, using: &generator) }
            tensors[export.huggingFaceName] = Tensor(shape: export.transform == .transpose ? shape.reversed() : shape,
                                                     values: values)
        }
        try SafetensorsWriter.write(tensors, to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    @Test func aConversionKilledAtAnyMomentLeavesTheZooAsItWas() throws {
        let source = try mediumSource().path
        #expect(try cli.zoo("convert", source, "--name", "keep").status == 0)

        // How long one conversion takes here, start to exit, replacing a model (the longest path).
        let started = Date()
        #expect(try cli.zoo("convert", source, "--name", "keep", "--force").status == 0)
        let duration = Date().timeIntervalSince(started)

        // Seeded moments spread over the first 80% of the run (a run's length varies on a busy machine): each of a
        // dozen slices gets one point at a seeded place within it.
        var seed: UInt64 = 0x5eed_2026
        func nextFraction() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        var killedWhileRunning = 0
        for point in 0..<12 {
            let moment = 0.8 * duration * (Double(point) + nextFraction()) / 12
            let process = Process()
            process.executableURL = CLITests.binary
            // Alternately a new model and the replacement of an existing one.
            let name = point % 2 == 0 ? "fresh\(point)" : "keep"
            process.arguments = ["convert", source, "--name", name, "--force", "--zoo", zooFolder.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(moment * 1_000_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killedWhileRunning += 1
            }
            process.waitUntilExit()

            let list = try cli.zoo("list")
            #expect(list.status == 0 && !list.stdout.contains("damaged"), "after a kill at \(moment)s: \(list.stdout)")
            #expect(list.stdout.contains("keep\tgpt2"), "the replaced model vanished: \(list.stdout)")
            let verify = try cli.zoo("verify")
            #expect(verify.status == 0, "after a kill at \(moment)s: \(verify.stdout)\(verify.stderr)")
            let visible = try FileManager.default.contentsOfDirectory(atPath: zooFolder.path).filter { !$0.hasPrefix(".") }
            for model in visible {
                #expect(FileManager.default.fileExists(atPath: zooFolder.appendingPathComponent("\(model)/manifest.json").path),
                        "half a model is visible: \(model)")
            }
            let leftovers = try hiddenEntries().filter {
                !$0.hasPrefix(".partial-") && !$0.hasPrefix(".trash-") && !$0.hasPrefix(".lock-")
            }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
        #expect(killedWhileRunning >= 6, "only \(killedWhileRunning) of 12 kills landed during a run")

        // The next write cleans what the killed ones left.
        #expect(try cli.zoo("convert", source, "--name", "last").status == 0)
        let hidden = try hiddenEntries()
        #expect(hidden.isEmpty, "\(hidden)")
    }
}
