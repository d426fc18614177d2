import Foundation
import ZooModels
import ZooTokenizers
@testable import Zoo

/// The encoder fixtures of Tools/make_encoder_fixtures.py.
enum EncoderFixtures {
    /// Models with a masked-language-model head.
    static let masked = ["tiny-bert", "tiny-bert-legacy", "tiny-roberta", "tiny-distilbert"]
    static let all = masked + ["tiny-bert-encoder"]
    /// Those whose tokenizer is a WordPiece (tokenizer.json or vocab.txt).
    static let wordPiece = ["tiny-bert", "tiny-bert-legacy", "tiny-bert-encoder", "tiny-distilbert"]

    /// Whether ZooTokenizers reads WordPiece yet: the tests that go through the BERT and DistilBERT tokenizers
    /// wait for it (they run as soon as it loads these fixtures).
    static let wordPieceLoads = wordPiece.allSatisfy { (try? Tokenizer.load(directory: fixture($0))) != nil }
}

/// The reference outputs that Tools/make_encoder_fixtures.py recorded with transformers.
struct EncoderExpectedOutputs: Decodable {
    struct Candidate: Decodable {
        let token_id: Int
        let token: String
        let score: Float
    }

    struct Case: Decodable {
        let text: String
        let input_ids: [Int]
        /// [length, hidden]
        let hidden_states: [[Float]]
        /// [length, vocabulary], for texts with a mask and models with a head.
        let logits: [[Float]]?
        /// The fill-mask pipeline's top 5 per mask, for texts with a mask and models with a head.
        let fill_mask: [[Candidate]]?
    }

    let model: String
    let tolerance: Float
    let mask_token: String
    let mask_token_id: Int
    let cases: [Case]
    /// All the texts, run as one padded batch.
    let embeddings_mean_normalized: [[Float]]
    let embeddings_cls: [[Float]]

    static func load(_ model: String) throws -> EncoderExpectedOutputs {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: fixture("\(model).expected.json")))
    }
}

/// The encoder of fixture folder `name`, as `modelOfFixture` builds it.
func encoderOfFixture(_ name: String) throws -> any EncoderModel {
    guard let encoder = try modelOfFixture(name) as? any EncoderModel else { throw ZooError("\(name) is not an encoder") }
    return encoder
}

/// The model of fixture folder `name`, imported through its plugin into a weights.h5 as the converter writes it,
/// without its tokenizer: parity of the model does not wait for the tokenizer.
func modelOfFixture(_ name: String) throws -> any LanguageModel {
    let source = fixture(name)
    let architecture = try Architectures.instantiate(try ModelConfig(contentsOf: source.appendingPathComponent("config.json")))
    let plan = try ImportPlan(checkpoint: try CheckpointSources.open(folder: source), architecture: architecture)
    let folder = temporaryFolder(name)
    // The tensors are views of the mapped file, which outlives its removal.
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent(StoredModel.weightsFile)
    try plan.write(to: url, dtype: .float32) { _, _ in }
    return try architecture.makeModel(weights: try ZooWeights(contentsOf: url))
}

/// The first `count` positions of sequence `b` of a [batch, length, width] tensor, flattened.
func positions(_ tensor: Tensor, sequence b: Int, count: Int) -> [Float] {
    let width = tensor.shape[tensor.shape.count - 1], length = tensor.shape[tensor.shape.count - 2]
    return Array(tensor.toArray()[(b * length * width)..<((b * length + count) * width)])
}

/// A copy of fixture folder `name` with its safetensors rewritten by `change` and its config.json by `config`.
func copyOfFixture(_ name: String, tensors change: (inout [(name: String, shape: [Int], values: [Float])]) -> Void,
                   config edit: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
    let folder = copyOfFixture(name)
    let checkpoint = try SafetensorsSource(contentsOf: folder.appendingPathComponent("model.safetensors"))
    var tensors = try checkpoint.names.sorted().map { name in
        (name: name, shape: checkpoint.shape(of: name)!, values: try checkpoint.tensor(name).toArray())
    }
    change(&tensors)
    try writeSafetensors(tensors, to: folder.appendingPathComponent("model.safetensors"))
    let configURL = folder.appendingPathComponent("config.json")
    var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
    edit(&config)
    try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: configURL)
    return folder
}
