import ArgumentParser
import Foundation
import Zoo

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a zoo model back out as a Hugging Face folder (config.json, model.safetensors, tokenizer files).")

    @Argument(help: "The model's name.")
    var name: String

    @Option(help: "The format to write: safetensors (a Hugging Face model folder).")
    var to: String

    @Argument(help: "The folder to write; it must be empty unless --force.")
    var folder: String

    @Flag(help: "Write into a folder that is not empty, replacing files of the same names.")
    var force = false

    @Flag(help: "Write quantized tensors (Q8_0, Q4_0, Q4_1 blocks) as float32 instead of refusing the model.")
    var dequantize = false

    @OptionGroup var zooOptions: ZooOptions

    func run() throws {
        try reportingErrors {
            guard to == "safetensors" else {
                throw ValidationError("--to must be safetensors (a Hugging Face folder), not \"\(to)\"")
            }
            let model = try zooOptions.zoo.model(named: name)
            let destination = URL(fileURLWithPath: folder)
            let files = try HuggingFaceExport(model: model)
                .write(to: destination, options: .init(force: force, dequantize: dequantize))
            Terminal.note("exported \(name) to \(destination.path): \(files.joined(separator: ", "))")
        }
    }
}
