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
        try file.checkLimits(sizes: [
            "vocab_size": config.vocab_size, "n_positions": config.n_positions, "n_embd": config.n_embd,
            "n_head": config.n_head, "n_inner": config.n_inner,
        ], layers: ("n_layer", config.n_layer))
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

    /// Hugging Face names outside the blocks (inside GPT2Model), by canonical name's source.
    static let topLevelNames = ["wte.weight": "token_embedding.weight", "wpe.weight": "position_embedding.weight",
                                "ln_f.weight": "final_norm.weight", "ln_f.bias": "final_norm.bias"]
    /// A block's modules; the Conv1D ones store their weights [in, out].
    static let blockModules = ["ln_1": "norm1", "ln_2": "norm2", "attn.c_attn": "attn.qkv", "attn.c_proj": "attn.out",
                               "mlp.c_fc": "mlp.up", "mlp.c_proj": "mlp.down"]
    static let conv1DModules: Set = ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"]

    /// Hugging Face names, with or without the `transformer.` prefix of GPT2LMHeadModel. Conv1D weights are
    /// stored [in, out] and are transposed.
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        if name == "lm_head.weight" { return HuggingFaceNames.outputHead(tied: tied) }
        let local = HuggingFaceNames.local(name, prefix: "transformer.")
        if let canonical = Self.topLevelNames[local] { return .tensor(canonical, .none) }
        guard let (layer, rest) = HuggingFaceNames.block(local, container: "h", count: config.n_layer) else {
            return .unknown
        }
        if rest == "attn.bias" || rest == "attn.masked_bias" { return .skip("the causal mask buffer") }
        guard let (module, parameter) = HuggingFaceNames.parameter(rest), let part = Self.blockModules[module] else {
            return .unknown
        }
        let transform: ImportTransform = parameter == "weight" && Self.conv1DModules.contains(module) ? .transpose : .none
        return .tensor("blocks.\(layer).\(part).\(parameter)", transform)
    }

    /// The names GPT2LMHeadModel saves: `transformer.` before the body, `lm_head.weight` when untied.
    public func exportName(forCanonicalName name: String) -> ExportName? {
        guard tensorShapes[name] != nil else { return nil }
        if name == "lm_head.weight" { return ExportName(name) }
        if let local = HuggingFaceNames.module(named: name, in: Self.topLevelNames) {
            return ExportName("transformer." + local)
        }
        guard let (layer, rest) = HuggingFaceNames.block(name, container: "blocks", count: config.n_layer),
              let (part, parameter) = HuggingFaceNames.parameter(rest),
              let module = HuggingFaceNames.module(named: part, in: Self.blockModules) else { return nil }
        let transform: ImportTransform = parameter == "weight" && Self.conv1DModules.contains(module) ? .transpose : .none
        return ExportName("transformer.h.\(layer).\(module).\(parameter)", transform)
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try GPT2Model(self, weights: weights)
    }
}

/// A GPT-2 ready to run: the matrices in their stored type (float16, bfloat16 and block weights are computed with
/// as they are, never expanded), norms and biases in float32.
final class GPT2Model: OutputHeadDecoder {
    struct Block {
        let norm1Weight, norm1Bias, qkvWeight, qkvBias, outWeight, outBias: Tensor
        let norm2Weight, norm2Bias, upWeight, upBias, downWeight, downBias: Tensor
    }

    /// The tensors of a forward pass over `rows` positions.
    final class Buffers: HeadInputBuffers {
        let rows: Int
        let x, h: Tensor  // [rows, width]: the residual stream, and each normalised input to it
        let queryKeyValue: Tensor  // [rows, 3 · width]
        let attended: Tensor  // [rows, width]
        let projected: Tensor  // [rows, width]: a sublayer's output before it joins the residual stream
        let up: Tensor  // [rows, inner width]
        var logits: ReturnedTensor  // [1, vocabulary]

        init(rows: Int, architecture a: GPT2) {
            func tensor(_ width: Int) -> Tensor { Tensor(zeros: [rows, width]) }
            self.rows = rows
            (x, h, attended, projected) = (tensor(a.width), tensor(a.width), tensor(a.width), tensor(a.width))
            queryKeyValue = tensor(3 * a.width)
            up = tensor(a.innerWidth)
            logits = ReturnedTensor(shape: [1, a.config.vocab_size])
        }
    }

    let architecture: GPT2
    let tokenEmbedding, positionEmbedding, finalNormWeight, finalNormBias: Tensor
    let outputHead: OutputHead
    let blocks: [Block]

    var vocabularySize: Int { architecture.config.vocab_size }
    var contextLength: Int { architecture.config.n_positions }
    var epsilon: Float { architecture.config.layer_norm_epsilon ?? 1e-5 }
    var layerCount: Int { blocks.count }
    var attentionHeads: Int { architecture.config.n_head }

    init(_ architecture: GPT2, weights: any WeightStore) throws {
        self.architecture = architecture
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        func matrix(_ name: String) throws -> Tensor { try weights.tensor(name) }
        tokenEmbedding = try matrix("token_embedding.weight")
        positionEmbedding = try matrix("position_embedding.weight")
        finalNormWeight = try load("final_norm.weight")
        finalNormBias = try load("final_norm.bias")
        outputHead = OutputHead(weight: architecture.tied ? tokenEmbedding : try matrix("lm_head.weight"))
        blocks = try (0..<architecture.config.n_layer).map { i in
            let p = "blocks.\(i)."
            return Block(
                norm1Weight: try load(p + "norm1.weight"), norm1Bias: try load(p + "norm1.bias"),
                qkvWeight: try matrix(p + "attn.qkv.weight"), qkvBias: try load(p + "attn.qkv.bias"),
                outWeight: try matrix(p + "attn.out.weight"), outBias: try load(p + "attn.out.bias"),
                norm2Weight: try load(p + "norm2.weight"), norm2Bias: try load(p + "norm2.bias"),
                upWeight: try matrix(p + "mlp.up.weight"), upBias: try load(p + "mlp.up.bias"),
                downWeight: try matrix(p + "mlp.down.weight"), downBias: try load(p + "mlp.down.bias"))
        }
    }

    func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: blocks.count, capacity: min(capacity, contextLength), width: architecture.width)
    }

    func run(_ tokens: [Int], cache: KVCache, recorder: AttentionRecorder?) -> Buffers {
        let start = cache.length, rows = tokens.count
        let width = architecture.width, heads = architecture.config.n_head, headDim = width / heads
        let b = cache.buffers(rows: rows) { Buffers(rows: rows, architecture: architecture) }
        embeddingLookup(tokenEmbedding, ids: tokens, into: b.x)
        embeddingLookup(positionEmbedding, ids: start..<(start + rows), into: b.h)
        addInPlace(b.x, b.h)

        for (i, block) in blocks.enumerated() {
            layerNorm(b.x, weight: block.norm1Weight, bias: block.norm1Bias, epsilon: epsilon, into: b.h)
            linear(b.h, weight: block.qkvWeight, bias: block.qkvBias, into: b.queryKeyValue)
            var scale: Float = architecture.config.scale_attn_weights ?? true ? 1 / Float(headDim).squareRoot() : 1
            if architecture.config.scale_attn_by_inverse_layer_idx ?? false { scale /= Float(i + 1) }
            let qkv = b.queryKeyValue.data
            causalSelfAttention(q: qkv, k: qkv + width, v: qkv + 2 * width, stride: 3 * width, rows: rows,
                                heads: heads, headDim: headDim, cache: cache, layer: i, scale: scale, into: b.attended)
            recorder?.record(layer: i, q: qkv, queryStride: 3 * width, k: qkv + width, keyStride: 3 * width,
                             headDim: headDim, scale: scale, mask: .causal(firstPosition: 0))
            linear(b.attended, weight: block.outWeight, bias: block.outBias, into: b.projected)
            addInPlace(b.x, b.projected)

            layerNorm(b.x, weight: block.norm2Weight, bias: block.norm2Bias, epsilon: epsilon, into: b.h)
            linear(b.h, weight: block.upWeight, bias: block.upBias, into: b.up)
            architecture.activation.apply(b.up)
            linear(b.up, weight: block.downWeight, bias: block.downBias, into: b.projected)
            addInPlace(b.x, b.projected)
        }
        cache.length += rows

        layerNorm(b.x, weight: finalNormWeight, bias: finalNormBias, epsilon: epsilon, into: b.h)
        return b
    }
}
