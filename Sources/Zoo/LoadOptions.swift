import ZooModels
import ZooTensor

/// How `StoredModel.load` prepares a model's weights.
public struct LoadOptions: Sendable {
    /// Block-type matrices (q8_0, q4_0, q4_1) multiply one token's activations as llama.cpp does: the input row
    /// quantized to int8 per 32 values and integer block dot products. Faster decode, at a small accuracy cost
    /// (README, Speed); prompts of several tokens keep float32 activations. Other weight types are unaffected.
    public var int8Activations: Bool

    public init(int8Activations: Bool = false) {
        self.int8Activations = int8Activations
    }

    func weightStore(_ weights: any WeightStore) -> any WeightStore {
        int8Activations ? Int8ActivationWeights(base: weights) : weights
    }
}

/// The stored weights with every block-type tensor marked for int8 activations.
struct Int8ActivationWeights: WeightStore {
    let base: any WeightStore

    func tensor(_ name: String) throws -> Tensor {
        var tensor = try base.tensor(name)
        if tensor.dtype.isQuantized { tensor.int8Activations = true }
        return tensor
    }
}
