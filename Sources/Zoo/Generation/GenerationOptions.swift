/// How `TextGenerator` chooses tokens. Greedy unless `temperature` is above 0.
public struct GenerationOptions: Sendable {
    public var maxNewTokens: Int
    /// 0 picks the most likely token (greedy); above 0 samples from the softened distribution.
    public var temperature: Float
    /// Sample only among the k most likely tokens (nil: all).
    public var topK: Int?
    /// Sample only among the most likely tokens whose probabilities add up to p (nil: all).
    public var topP: Float?
    /// Seed of the sampler; the same seed gives the same text. Nil: a random seed.
    public var seed: UInt64?

    public init(maxNewTokens: Int = 50, temperature: Float = 0, topK: Int? = nil, topP: Float? = nil,
                seed: UInt64? = nil) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }
}
