import ArgumentParser
import Foundation
import Zoo

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-hash a model's files against its manifest and name each that differs.",
        discussion: "Without a name, every model of the zoo is verified. The exit status is 1 when any file differs.")

    @Argument(help: "The model's name (default: every model).")
    var name: String?

    @Flag(help: "Print JSON: {\"models\": [{\"name\", \"path\", \"ok\", \"files\": [{\"file\", \"problem\", \"detail\"}]}]}.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    struct Report: Encodable {
        struct File: Encodable {
            let file: String
            /// "changed", "missing" or "extra".
            let problem: String
            let detail: String
        }

        let name: String
        let path: String
        let ok: Bool
        let files: [File]
    }

    func run() throws {
        try reportingErrors {
            let zoo = zooOptions.zoo
            let models = try name.map { [try zoo.model(named: $0)] } ?? zoo.models()
            let reports = try models.map { model in
                let files = try model.verify().map { Report.File(file: $0.file, problem: $0.kind, detail: "\($0)") }
                return Report(name: model.name, path: model.folder.path, ok: files.isEmpty, files: files)
            }
            if json {
                struct Listing: Encodable { let models: [Report] }
                try Terminal.json(Listing(models: reports))
            } else {
                for report in reports {
                    Terminal.write(report.ok ? "\(report.name)\tok\t\(report.path)\n"
                                             : "\(report.name)\tDAMAGED\t\(report.path)\n")
                    for file in report.files { Terminal.write("  \(file.problem)\t\(file.detail)\n") }
                }
            }
            let damaged = reports.filter { !$0.ok }
            if !damaged.isEmpty {
                Terminal.error("\(damaged.map(\.name).joined(separator: ", ")): files differ from the manifest "
                    + "(convert the model again)")
                throw ExitCode.failure
            }
        }
    }
}
