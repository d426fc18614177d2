import Foundation
import ZooFormats
import ZooModels
import ZooTensor
import ZooTokenizers

/// A model folder in the zoo: config.json (with its `zoo` object), weights.h5, tokenizer files, manifest.json.
public struct StoredModel: Sendable {
    public static let configFile = "config.json"
    public static let weightsFile = "weights.h5"
    public static let manifestFile = "manifest.json"

    public let name: String
    public let folder: URL

    static func looksLikeModel(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(configFile).path)
    }

    func file(_ name: String) -> URL { folder.appendingPathComponent(name) }

    public func config() throws -> ModelConfig { try ModelConfig(contentsOf: file(Self.configFile)) }

    public func metadata() throws -> ZooMetadata {
        let url = file(Self.configFile)
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ZooError(path: url.path, "cannot read: \(error.localizedDescription)") }
        let metadata = try ConfigFile.metadata(of: data, path: url.path)
        guard metadata.format_version == ZooMetadata.formatVersion else {
            throw ZooError(path: url.path, "zoo format version \(metadata.format_version) is not supported (this Zoo reads version \(ZooMetadata.formatVersion))")
        }
        return metadata
    }

    public func manifest() throws -> Manifest { try Manifest(contentsOf: file(Self.manifestFile)) }

    /// The tokenizer; a vocab.json and merges.txt are read through the user's tokenizer cache.
    public func tokenizer() throws -> Tokenizer { try Tokenizer.load(directory: folder, cache: .user()) }

    /// Opens weights.h5 after the cheap manifest check, and checks its tensors against the architecture.
    func loadWeightsChecked(architecture: any Architecture) throws -> ZooWeights {
        let mismatches = try manifest().check(folder: folder)
        if !mismatches.isEmpty {
            let files = mismatches.map(\.description).joined(separator: "; ")
            throw ZooError(path: folder.path, "\(files): the model is damaged (`zoo verify \(name)` checks every file; convert it again)")
        }
        let weights = try ZooWeights(contentsOf: file(Self.weightsFile))
        let path = weights.url.path
        let expected = architecture.tensorShapes
        for name in weights.names {
            guard let shape = expected[name] else { throw ZooError(path: path, "unexpected tensor \"\(name)\"") }
            let stored = weights.info(name)?.shape ?? []
            guard stored == shape else {
                throw ZooError(path: path, "tensor \"\(name)\" has shape \(stored) but the config needs \(shape)")
            }
        }
        if let missing = expected.keys.sorted().first(where: { weights.info($0) == nil }) {
            throw ZooError(path: path, "missing tensor \"\(missing)\"")
        }
        return weights
    }

    /// The architecture, its weights and its tokenizer, ready to run.
    public func load(_ options: LoadOptions = LoadOptions()) throws -> LoadedModel {
        _ = try metadata()
        let config = try config()
        let architecture = try Architectures.instantiate(config)
        let weights = try loadWeightsChecked(architecture: architecture)
        if options.bf16Activations && !weights.names.contains(where: { weights.info($0)?.dtype == .bfloat16 }) {
            throw ZooError(path: weights.url.path, "bfloat16 activations need bfloat16 weights, and \(name) has none (convert it with --dtype bf16)")
        }
        let tokenizer = try tokenizer()
        let model = try architecture.makeModel(weights: options.weightStore(weights))
        // A token beyond the embedding table would crash the model at its first lookup: refuse it here.
        guard tokenizer.idLimit <= model.vocabularySize else {
            throw ZooError(path: folder.path, "the tokenizer gives ids up to \(tokenizer.idLimit - 1) but the model's embedding table has only \(model.vocabularySize) rows (vocab_size in config.json)")
        }
        return LoadedModel(name: name, config: config, model: model, tokenizer: tokenizer,
                           specialTokens: try SpecialTokens(folder: folder))
    }
}

extension ZooWeights: WeightStore {}

/// A model loaded from the zoo.
public struct LoadedModel {
    public let name: String
    public let config: ModelConfig
    public let model: any LanguageModel
    public let tokenizer: Tokenizer
    public let specialTokens: SpecialTokens

    /// A text generator over this model, or an error if its architecture does not generate text.
    public func textGenerator() throws -> TextGenerator {
        guard let causal = model as? any CausalLanguageModel else { throw unsupported("generate text") }
        return TextGenerator(model: causal, tokenizer: tokenizer, name: name,
                             stopTokens: specialTokens.endOfSequence, startToken: specialTokens.beginningOfSequence)
    }

    /// The `zoo` commands this model serves, from the capabilities (protocols) its model conforms to.
    public var commands: [String] {
        var commands: [String] = []
        if model is any CausalLanguageModel { commands.append("generate") }
        if model is any MaskedLanguageModel { commands.append("fill-mask") }
        if model is any EncoderModel { commands += ["embed", "similarity"] }
        if model is any WordEmbeddingModel { commands += ["similarity", "neighbors", "analogy", "eval-analogies"] }
        if model is any SequenceToSequenceModel { commands.append("text2text") }
        return commands
    }

    /// The error for a task this model's architecture cannot do, such as "generate text".
    func unsupported(_ task: String) -> ZooError {
        let serves = commands.isEmpty ? "no zoo command" : "only " + commands.map { "zoo \($0)" }.joined(separator: ", ")
        return ZooError("\(name) is a \(config.modelType) model, which does not \(task): it serves \(serves)")
    }
}

/// The begin and end tokens of a model, from generation_config.json where present, else config.json.
public struct SpecialTokens: Sendable {
    public let beginningOfSequence: Int?
    public let endOfSequence: Set<Int>

    init(folder: URL) throws {
        func ids(_ key: String, in file: String) throws -> [Int]? {
            let url = folder.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ZooError(path: url.path, "not a JSON object")
            }
            switch object[key] {
            case let id as Int: return [id]
            case let list as [Int]: return list
            case nil, is NSNull: return nil
            default: throw ZooError(path: url.path, "\"\(key)\" must be a token id or a list of them")
            }
        }
        let bos = try ids("bos_token_id", in: "generation_config.json") ?? ids("bos_token_id", in: StoredModel.configFile)
        let eos = try ids("eos_token_id", in: "generation_config.json") ?? ids("eos_token_id", in: StoredModel.configFile)
        beginningOfSequence = bos?.first
        endOfSequence = Set(eos ?? [])
    }
}
