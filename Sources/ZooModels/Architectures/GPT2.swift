import ZooTensor

/// GPT-2 (Radford et al., 2019): learned positions, pre-norm blocks of causal self-attention and a GELU MLP,
/// a final layer norm, and an output head tied to the token embedding unless the config says otherwise.
public struct GPT2: Architecture {
    public static let modelTypes = ["gpt2"]

    /// The Hugging Face GPT2Config keys Zoo uses.
    public struct Config: Decodable, Sendable {
        var vocab_size: Int
        var n_positions: Int
        var n_embd: Int
        var n_layer: Int
        var n_head: Int
        var n_inner: Int?
        var activation_function: String?
        var layer_norm_epsilon: Float?
        var scale_attn_weights: Bool?
        var scale_attn_by_inverse_layer_idx: Bool?
        var tie_word_embeddings: Bool?
    }

    public let config: Config
    let width: Int
    let innerWidth: Int
    let activation: Activation
    let tied: Bool

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        func check(_ condition: Bool, _ message: String) throws(ModelError) {
            if !condition { throw ModelError(path: file.path, message: message) }
        }
        try check(config.vocab_size > 0 && config.n_positions > 0 && config.n_layer > 0,
                  "vocab_size, n_positions and n_layer must be positive")
        try check(config.n_head > 0 && config.n_embd > 0 && config.n_embd % config.n_head == 0,
                  "n_embd (\(config.n_embd)) must be a positive multiple of n_head (\(config.n_head))")
        let activationName = config.activation_function ?? "gelu_new"
        guard let activation = Activation(huggingFaceName: activationName) else {
            throw ModelError(path: file.path, message: "unsupported activation_function \"\(activationName)\"")
        }
        self.config = config
        self.width = config.n_embd
        self.innerWidth = config.n_inner ?? 4 * config.n_embd
        self.activation = activation
        self.tied = config.tie_word_embeddings ?? true
    }

    public var tensorShapes: [String: [Int]] {
        var shapes = [
            "token_embedding.weight": [config.vocab_size, width],
            "position_embedding.weight": [config.n_positions, width],
            "final_norm.weight": [width],
            "final_norm.bias": [width],
        ]
        for i in 0..<config.n_layer {
            let block = "blocks.\(i)."
            shapes[block + "norm1.weight"] = [width]
            shapes[block + "norm1.bias"] = [width]
            shapes[block + "attn.qkv.weight"] = [3 * width, width]
            shapes[block + "attn.qkv.bias"] = [3 * width]
            shapes[block + "attn.out.weight"] = [width, width]
            shapes[block + "attn.out.bias"] = [width]
            shapes[block + "norm2.weight"] = [width]
            shapes[block + "norm2.bias"] = [width]
            shapes[block + "mlp.up.weight"] = [innerWidth, width]
            shapes[block + "mlp.up.bias"] = [innerWidth]
            shapes[block + "mlp.down.weight"] = [width, innerWidth]
            shapes[block + "mlp.down.bias"] = [width]
        }
        if !tied { shapes["lm_head.weight"] = [config.vocab_size, width] }
        return shapes
    }

    /// Hugging Face names, with or without the `transformer.` prefix of GPT2LMHeadModel. Conv1D weights are
    /// stored [in, out] and are transposed.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        if name == "lm_head.weight" { return HuggingFaceNames.outputHead(tied: tied) }
        let local = HuggingFaceNames.local(name, prefix: "transformer.")
        switch local {
        case "wte.weight": return .tensor("token_embedding.weight", .none)
        case "wpe.weight": return .tensor("position_embedding.weight", .none)
        case "ln_f.weight": return .tensor("final_norm.weight", .none)
        case "ln_f.bias": return .tensor("final_norm.bias", .none)
        default: break
        }
        guard let (layer, rest) = HuggingFaceNames.block(local, container: "h", count: config.n_layer) else {
            return .unknown
        }
        let block = "blocks.\(layer)."
        switch rest {
        case "attn.bias", "attn.masked_bias": return .skip("the causal mask buffer")
        case "ln_1.weight": return .tensor(block + "norm1.weight", .none)
        case "ln_1.bias": return .tensor(block + "norm1.bias", .none)
        case "ln_2.weight": return .tensor(block + "norm2.weight", .none)
        case "ln_2.bias": return .tensor(block + "norm2.bias", .none)
        case "attn.c_attn.weight": return .tensor(block + "attn.qkv.weight", .transpose)
        case "attn.c_attn.bias": return .tensor(block + "attn.qkv.bias", .none)
        case "attn.c_proj.weight": return .tensor(block + "attn.out.weight", .transpose)
        case "attn.c_proj.bias": return .tensor(block + "attn.out.bias", .none)
        case "mlp.c_fc.weight": return .tensor(block + "mlp.up.weight", .transpose)
        case "mlp.c_fc.bias": return .tensor(block + "mlp.up.bias", .none)
        case "mlp.c_proj.weight": return .tensor(block + "mlp.down.weight", .transpose)
        case "mlp.c_proj.bias": return .tensor(block + "mlp.down.bias", .none)
        default: return .unknown
        }
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try GPT2Model(self, weights: weights)
    }
}

/// A GPT-2 ready to run, its weights in float32.
final class GPT2Model: AttentionRecordingDecoder {
    struct Block {
        let norm1Weight, norm1Bias, qkvWeight, qkvBias, outWeight, outBias: Tensor
        let norm2Weight, norm2Bias, upWeight, upBias, downWeight, downBias: Tensor
    }

    let architecture: GPT2
    let tokenEmbedding, positionEmbedding, finalNormWeight, finalNormBias, outputHead: Tensor
    let blocks: [Block]

    var vocabularySize: Int { architecture.config.vocab_size }
    var contextLength: Int { architecture.config.n_positions }
    var epsilon: Float { architecture.config.layer_norm_epsilon ?? 1e-5 }
    var layerCount: Int { blocks.count }
    var attentionHeads: Int { architecture.config.n_head }

    init(_ architecture: GPT2, weights: any WeightStore) throws {
        self.architecture = architecture
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        tokenEmbedding = try load("token_embedding.weight")
        positionEmbedding = try load("position_embedding.weight")
        finalNormWeight = try load("final_norm.weight")
        finalNormBias = try load("final_norm.bias")
        outputHead = architecture.tied ? tokenEmbedding : try load("lm_head.weight")
        blocks = try (0..<architecture.config.n_layer).map { i in
            let p = "blocks.\(i)."
            return Block(
                norm1Weight: try load(p + "norm1.weight"), norm1Bias: try load(p + "norm1.bias"),
                qkvWeight: try load(p + "attn.qkv.weight"), qkvBias: try load(p + "attn.qkv.bias"),
                outWeight: try load(p + "attn.out.weight"), outBias: try load(p + "attn.out.bias"),
                norm2Weight: try load(p + "norm2.weight"), norm2Bias: try load(p + "norm2.bias"),
                upWeight: try load(p + "mlp.up.weight"), upBias: try load(p + "mlp.up.bias"),
                downWeight: try load(p + "mlp.down.weight"), downBias: try load(p + "mlp.down.bias"))
        }
    }

    func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: blocks.count, capacity: min(capacity, contextLength), width: architecture.width)
    }

    func forward(_ tokens: [Int], cache: KVCache, allPositions: Bool) -> Tensor {
        forward(tokens, cache: cache, allPositions: allPositions, recorder: nil)
    }

    /// With a recorder (and an empty cache), also records each layer's attention maps.
    func forward(_ tokens: [Int], cache: KVCache, allPositions: Bool, recorder: AttentionRecorder?) -> Tensor {
        let start = cache.length
        let width = architecture.width, heads = architecture.config.n_head, headDim = width / heads
        let x = embeddingLookup(tokenEmbedding, ids: tokens)
        addInPlace(x, embeddingLookup(positionEmbedding, ids: Array(start..<(start + tokens.count))))

        for (i, block) in blocks.enumerated() {
            let h = layerNorm(x, weight: block.norm1Weight, bias: block.norm1Bias, epsilon: epsilon)
            let qkv = linear(h, weight: block.qkvWeight, bias: block.qkvBias)
            var scale: Float = architecture.config.scale_attn_weights ?? true ? 1 / Float(headDim).squareRoot() : 1
            if architecture.config.scale_attn_by_inverse_layer_idx ?? false { scale /= Float(i + 1) }
            let attended = causalSelfAttention(
                q: qkv.data, k: qkv.data + width, v: qkv.data + 2 * width, stride: 3 * width, rows: tokens.count,
                heads: heads, headDim: headDim, cache: cache, layer: i, scale: scale)
            recorder?.record(layer: i, q: qkv.data, queryStride: 3 * width, k: qkv.data + width, keyStride: 3 * width,
                             headDim: headDim, scale: scale, mask: .causal(firstPosition: 0))
            addInPlace(x, linear(attended, weight: block.outWeight, bias: block.outBias))

            let h2 = layerNorm(x, weight: block.norm2Weight, bias: block.norm2Bias, epsilon: epsilon)
            let up = linear(h2, weight: block.upWeight, bias: block.upBias)
            architecture.activation.apply(up)
            addInPlace(x, linear(up, weight: block.downWeight, bias: block.downBias))
        }
        cache.length += tokens.count

        let last = allPositions ? x : x.row(tokens.count - 1).reshaped([1, width])
        let normed = layerNorm(last, weight: finalNormWeight, bias: finalNormBias, epsilon: epsilon)
        return linear(normed, weight: outputHead)
    }
}
