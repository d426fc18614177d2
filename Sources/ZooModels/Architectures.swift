/// The registry of architecture plugins, from `model_type` to plugin.
public enum Architectures {
    /// Every plugin Zoo carries. Adding an architecture is adding its file and its entry here.
    public static let all: [any Architecture.Type] = [
        GPT2.self,
        Llama.self,
        BERT.self,
        RoBERTa.self,
        DistilBERT.self,
        WordVectors.self,
        BART.self,
        T5.self,
    ]

    /// The plugin serving `modelType`, if any.
    public static func plugin(for modelType: String) -> (any Architecture.Type)? {
        all.first { $0.modelTypes.contains(modelType) }
    }

    /// Every `model_type` some plugin serves, sorted.
    public static var modelTypes: [String] { all.flatMap { $0.modelTypes }.sorted() }
}

extension Architectures {
    /// The plugin for the config's `model_type`, reading the config; an unknown type is an error naming the file.
    public static func instantiate(_ config: ModelConfig) throws(ModelError) -> any Architecture {
        guard let plugin = plugin(for: config.modelType) else {
            throw ModelError(path: config.path, message: "unknown model_type \"\(config.modelType)\" (Zoo has plugins for: \(modelTypes.joined(separator: ", ")))")
        }
        return try plugin.init(config: config)
    }
}
