import ArgumentParser
import Foundation
import Zoo

@main
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "A Swift-native transformer model zoo: convert checkpoints, list them, run them.",
        subcommands: [Convert.self, List.self, Info.self, Tokenize.self, Generate.self, Chat.self, FillMask.self, Embed.self,
                      Similarity.self, Verify.self, Remove.self, Export.self, Neighbors.self, Analogy.self,
                      EvalAnalogies.self, Bench.self, Attention.self,
                      Text2Text.self])
}

/// Options every command that reads or writes the zoo takes.
struct ZooOptions: ParsableArguments {
    @Option(name: .customLong("zoo"), help: ArgumentHelp(
        "A zoo folder to use instead of the default search path (repeatable). Default: $ZOO_PATH (colon-separated), else ~/.local/share/zoo and the source tree's Models/.",
        valueName: "dir"))
    var folders: [String] = []

    var zoo: ModelZoo { ModelZoo(explicitFolders: folders) }
}

/// Runs a command body, printing any error as one line on stderr and exiting with status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Terminal.error("\(error)")
        throw ExitCode.failure
    }
}
