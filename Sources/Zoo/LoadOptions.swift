import ZooModels
import ZooTensor

/// How `StoredModel.load` prepares a model's weights.
public struct LoadOptions: Sendable {
    /// Block-type matrices (q8_0, q4_0, q4_1) multiply one token's activations as llama.cpp does: the input row
    /// quantized to int8 per 32 values and integer block dot products. Faster decode, at a small accuracy cost
    /// (README, Speed); prompts of several tokens keep float32 activations. Other weight types are unaffected.
    public var int8Activations: Bool
    /// Bfloat16 matrices multiply several rows of activations (a prompt, an encoder's tokens) rounded to bfloat16,
    /// with the CPU's bfloat16 dot products where it has them (AVX512_BF16): about twice as fast, at an accuracy
    /// cost (README, Speed); one-token decode keeps float32 activations. Other weight types are unaffected.
    public var bf16Activations: Bool

    public init(int8Activations: Bool = false, bf16Activations: Bool = false) {
        self.int8Activations = int8Activations
        self.bf16Activations = bf16Activations
    }

    func weightStore(_ weights: any WeightStore) -> any WeightStore {
        int8Activations || bf16Activations ? ReducedActivationWeights(base: weights, options: self) : weights
    }
}

/// The stored weights with every block-type tensor marked for int8 activations and every bfloat16 matrix for
/// bfloat16 activations, as the options ask.
struct ReducedActivationWeights: WeightStore {
    let base: any WeightStore
    let options: LoadOptions

    func tensor(_ name: String) throws -> Tensor {
        var tensor = try base.tensor(name)
        if tensor.dtype.isQuantized && options.int8Activations { tensor.activations = .int8 }
        if tensor.dtype == .bfloat16 && tensor.shape.count == 2 && options.bf16Activations {
            tensor.activations = .bfloat16
        }
        return tensor
    }
}
