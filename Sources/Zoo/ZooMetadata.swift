/// The `zoo` object that Zoo adds to a model's config.json (see Formats/zoo-checkpoint-v1.md).
public struct ZooMetadata: Codable, Sendable, Equatable {
    public static let formatVersion = 1
    public static let converterVersion = "zoo-convert 0.1.0"

    /// Where the model was converted from.
    public struct Source: Codable, Sendable, Equatable {
        public struct File: Codable, Sendable, Equatable {
            /// The file's name in the source folder.
            public var path: String
            public var size: Int?
            public var sha256: String?
        }

        /// The format converted from: "safetensors".
        public var format: String
        /// The weight files read, in order.
        public var files: [File]
        public var repository: String?
        public var revision: String?
    }

    public var format_version: Int
    /// The plugin's model_type.
    public var architecture: String
    /// The element type of the stored weights: float32, float16 or bfloat16.
    public var dtype: String
    public var source: Source
    public var converter_version: String
    /// A note for the user, shown by `zoo info` (for example that the weights are random).
    public var description: String?
    /// The licence of the weights, with the attribution they ask for (an SPDX identifier first, e.g. "PDDL-1.0 ...").
    public var license: String?
}
