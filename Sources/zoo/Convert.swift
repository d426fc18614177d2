import ArgumentParser
import Foundation
import Zoo
import ZooTensor

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a Hugging Face model folder, a GGUF file or a file of word vectors into a zoo model.")

    @Argument(help: "A Hugging Face model folder (config.json, model.safetensors and the tokenizer files), a GGUF file, or word vectors (GloVe text, word2vec text or binary).")
    var source: String

    @Option(help: "The model's name in the zoo.")
    var name: String

    @Option(help: "Stored element type: f32, f16 or bf16 for every tensor; int8 (= q8_0), q4_0 or q4_1 quantizes the matrices to GGML blocks and keeps norms and biases in float32 (default: the source's; quantized tensors stay quantized).")
    var dtype: String?

    /// The block types `--dtype` accepts, by name: int8 is GGML's Q8_0 (32 int8 values and one float16 scale).
    static let blockTypes: [String: DType] = ["int8": .q8_0, "q8_0": .q8_0, "q4_0": .q4_0, "q4_1": .q4_1]

    @Option(help: "A note kept with the model and shown by `zoo info`.")
    var description: String?

    @Option(help: "The weights' licence (an SPDX identifier and any attribution), kept with the model and shown by `zoo info`.")
    var license: String?

    @Flag(help: "Replace a model of the same name.")
    var force = false

    @OptionGroup var zooOptions: ZooOptions

    /// Conversions writing at least this much show a progress bar.
    static let progressThreshold = 50_000_000

    func run() throws {
        try reportingErrors {
            var dtypeValue: DType?
            if let dtype {
                guard let parsed = DType(name: dtype) ?? Self.blockTypes[dtype.lowercased()] else {
                    throw ValidationError("--dtype must be f32, f16, bf16, int8, q8_0, q4_0 or q4_1, not \"\(dtype)\"")
                }
                dtypeValue = parsed
            }
            let converter = Converter(zoo: zooOptions.zoo)
            var bar = ProgressBar(label: "converting \(name)")
            let model = try converter.convert(
                URL(fileURLWithPath: source),
                options: .init(name: name, dtype: dtypeValue, force: force, description: description,
                              license: license)
            ) { done, total in
                if total >= Self.progressThreshold && Terminal.stderrIsTerminal { bar.update(done: done, total: total) }
            } note: { Terminal.note($0) }
            Terminal.note("converted \(source) into \(model.folder.path)")
        }
    }
}
