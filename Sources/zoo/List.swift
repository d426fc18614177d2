import ArgumentParser
import Foundation
import Zoo

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models in the zoo.")

    @Flag(help: "Print JSON: {\"models\": [info, ...]}.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func run() throws {
        try reportingErrors {
            let models = zooOptions.zoo.models()
            if json {
                struct Listing: Encodable { let models: [ModelInfo] }
                try Terminal.json(Listing(models: try models.map { try $0.info() }))
                return
            }
            if models.isEmpty {
                Terminal.note("the zoo is empty (searched \(zooOptions.zoo.folders.map(\.path).joined(separator: ":")))")
                return
            }
            for model in models {
                // A damaged model is listed with its problem rather than hiding the others.
                do {
                    let info = try model.info()
                    Terminal.write("\(info.name)\t\(info.architecture)\t\(formatCount(info.parameters)) parameters\t\(info.dtype)\t\(info.path)\n")
                } catch {
                    Terminal.write("\(model.name)\tdamaged: \(error)\n")
                }
            }
        }
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a model of the zoo.")

    @Argument(help: "The model's name.")
    var name: String

    @Flag(help: "Print the description as JSON.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func run() throws {
        try reportingErrors {
            let info = try zooOptions.zoo.model(named: name).info()
            if json {
                try Terminal.json(info)
                return
            }
            var lines = [
                "name:          \(info.name)",
                "path:          \(info.path)",
                "architecture:  \(info.architecture)",
                "parameters:    \(formatCount(info.parameters)) (\(info.parameters))",
                "dtype:         \(info.dtype)",
                "size:          \(String(format: "%.1f", Double(info.bytes) / 1_000_000)) MB",
                "source:        \(info.source.format) \(info.source.files.map(\.path).joined(separator: ", "))",
                "converter:     \(info.converter_version)",
                "tokenizer:     \(info.tokenizer.joined(separator: " + "))",
            ]
            if let description = info.description { lines.append("description:   \(description)") }
            if let license = info.license { lines.append("license:       \(license)") }
            Terminal.write(lines.joined(separator: "\n") + "\n")
        }
    }
}

/// 124439808 → "124.4M".
func formatCount(_ count: Int) -> String {
    switch count {
    case 1_000_000_000...: String(format: "%.1fB", Double(count) / 1e9)
    case 1_000_000...: String(format: "%.1fM", Double(count) / 1e6)
    case 1_000...: String(format: "%.1fK", Double(count) / 1e3)
    default: "\(count)"
    }
}
