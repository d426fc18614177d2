import ArgumentParser
import Foundation
import Zoo

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a model from the zoo (in one step: it is never seen half removed).")

    @Argument(help: "The model's name.")
    var name: String

    @OptionGroup var zooOptions: ZooOptions

    func run() throws {
        try reportingErrors {
            let zoo = zooOptions.zoo
            let path = try zoo.model(named: name).folder.path
            try zoo.remove(named: name)
            Terminal.note("removed \(name) (\(path))")
        }
    }
}
