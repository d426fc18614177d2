import ZooTensor

/// Llama (Touvron et al., 2023) and the many models shaped like it: pre-norm blocks with RMS norm, rotary
/// position embeddings, grouped-query causal self-attention and a SwiGLU feed-forward, a final RMS norm, and an
/// output head that is separate or tied to the token embedding.
public struct Llama: Architecture {
    public static let modelTypes = ["llama"]

    /// The Hugging Face LlamaConfig keys Zoo uses. Rotary settings come either as transformers 4 writes them
    /// (`rope_theta`, `rope_scaling`) or as transformers 5 does (`rope_parameters`).
    public struct Config: Decodable, Sendable {
        public struct RopeSettings: Decodable, Sendable {
            var rope_type: String?
            /// The older spelling of `rope_type`.
            var type: String?
            var rope_theta: Float?
        }

        var vocab_size: Int
        var hidden_size: Int
        var intermediate_size: Int
        var num_hidden_layers: Int
        var num_attention_heads: Int
        var num_key_value_heads: Int?
        var head_dim: Int?
        var hidden_act: String?
        var max_position_embeddings: Int?
        var rms_norm_eps: Float?
        var rope_theta: Float?
        var rope_scaling: RopeSettings?
        var rope_parameters: RopeSettings?
        var attention_bias: Bool?
        var mlp_bias: Bool?
        var tie_word_embeddings: Bool?
    }

    public let config: Config
    let width: Int
    let heads: Int
    let keyValueHeads: Int
    let headDim: Int
    let activation: Activation
    let ropeBase: Float
    let tied: Bool
    let attentionBias: Bool
    let mlpBias: Bool

    public init(config file: ModelConfig) throws(ModelError) {
        let config = try file.decode(Config.self)
        func check(_ condition: Bool, _ message: String) throws(ModelError) {
            if !condition { throw ModelError(path: file.path, message: message) }
        }
        try file.checkLimits(sizes: [
            "vocab_size": config.vocab_size, "hidden_size": config.hidden_size,
            "intermediate_size": config.intermediate_size, "num_attention_heads": config.num_attention_heads,
            "num_key_value_heads": config.num_key_value_heads, "head_dim": config.head_dim,
            "max_position_embeddings": config.max_position_embeddings,
        ], layers: ("num_hidden_layers", config.num_hidden_layers))
        try check(config.vocab_size > 0 && config.hidden_size > 0 && config.intermediate_size > 0
                      && config.num_hidden_layers > 0 && config.num_attention_heads > 0,
                  "vocab_size, hidden_size, intermediate_size, num_hidden_layers and num_attention_heads must be positive")
        let keyValueHeads = config.num_key_value_heads ?? config.num_attention_heads
        try check(keyValueHeads > 0 && config.num_attention_heads % keyValueHeads == 0,
                  "num_attention_heads (\(config.num_attention_heads)) must be a multiple of num_key_value_heads (\(keyValueHeads))")
        let headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads
        try check(config.head_dim != nil || config.hidden_size % config.num_attention_heads == 0,
                  "hidden_size (\(config.hidden_size)) must be a multiple of num_attention_heads (\(config.num_attention_heads)) when head_dim is not given")
        try check(headDim > 0 && headDim % 2 == 0, "the head dimension (\(headDim)) must be even for rotary embeddings")
        try check((config.max_position_embeddings ?? 1) > 0, "max_position_embeddings must be positive")

        for (key, settings) in [("rope_scaling", config.rope_scaling), ("rope_parameters", config.rope_parameters)] {
            guard let type = settings?.rope_type ?? settings?.type, type != "default" else { continue }
            throw ModelError(path: file.path, message: "\(key) of type \"\(type)\" is not supported (only the default rotary embedding is)")
        }
        let base = config.rope_parameters?.rope_theta ?? config.rope_theta ?? 10_000
        try check(base > 0, "rope_theta must be positive")
        let activationName = config.hidden_act ?? "silu"
        guard let activation = Activation(huggingFaceName: activationName) else {
            throw ModelError(path: file.path, message: "unsupported hidden_act \"\(activationName)\"")
        }
        self.config = config
        self.width = config.hidden_size
        self.heads = config.num_attention_heads
        self.keyValueHeads = keyValueHeads
        self.headDim = headDim
        self.activation = activation
        self.ropeBase = base
        self.tied = config.tie_word_embeddings ?? false
        self.attentionBias = config.attention_bias ?? false
        self.mlpBias = config.mlp_bias ?? false
    }

    var innerWidth: Int { config.intermediate_size }
    var contextLength: Int { config.max_position_embeddings ?? 2048 }
    var epsilon: Float { config.rms_norm_eps ?? 1e-6 }

    public var tensorShapes: [String: [Int]] {
        var shapes = [
            "token_embedding.weight": [config.vocab_size, width],
            "final_norm.weight": [width],
        ]
        let queryWidth = heads * headDim, keyValueWidth = keyValueHeads * headDim
        for i in 0..<config.num_hidden_layers {
            let block = "blocks.\(i)."
            shapes[block + "norm1.weight"] = [width]
            shapes[block + "attn.q.weight"] = [queryWidth, width]
            shapes[block + "attn.k.weight"] = [keyValueWidth, width]
            shapes[block + "attn.v.weight"] = [keyValueWidth, width]
            shapes[block + "attn.out.weight"] = [width, queryWidth]
            if attentionBias {
                shapes[block + "attn.q.bias"] = [queryWidth]
                shapes[block + "attn.k.bias"] = [keyValueWidth]
                shapes[block + "attn.v.bias"] = [keyValueWidth]
                shapes[block + "attn.out.bias"] = [width]
            }
            shapes[block + "norm2.weight"] = [width]
            shapes[block + "mlp.gate.weight"] = [innerWidth, width]
            shapes[block + "mlp.up.weight"] = [innerWidth, width]
            shapes[block + "mlp.down.weight"] = [width, innerWidth]
            if mlpBias {
                shapes[block + "mlp.gate.bias"] = [innerWidth]
                shapes[block + "mlp.up.bias"] = [innerWidth]
                shapes[block + "mlp.down.bias"] = [width]
            }
        }
        if !tied { shapes["lm_head.weight"] = [config.vocab_size, width] }
        return shapes
    }

    /// Hugging Face names outside the layers (inside LlamaModel).
    static let topLevelNames = ["embed_tokens.weight": "token_embedding.weight", "norm.weight": "final_norm.weight"]
    /// A layer's modules.
    static let blockModules = [
        "input_layernorm": "norm1", "post_attention_layernorm": "norm2",
        "self_attn.q_proj": "attn.q", "self_attn.k_proj": "attn.k", "self_attn.v_proj": "attn.v",
        "self_attn.o_proj": "attn.out", "mlp.gate_proj": "mlp.gate", "mlp.up_proj": "mlp.up",
        "mlp.down_proj": "mlp.down",
    ]

    /// Hugging Face names of LlamaForCausalLM (`model.` prefix optional). Every weight is already [out, in].
    public func importRule(forHuggingFaceName name: String) -> ImportRule {
        if name == "lm_head.weight" { return HuggingFaceNames.outputHead(tied: tied) }
        let local = HuggingFaceNames.local(name, prefix: "model.")
        if let canonical = Self.topLevelNames[local] { return .tensor(canonical, .none) }
        guard let (layer, rest) = HuggingFaceNames.block(local, container: "layers", count: config.num_hidden_layers)
        else {
            return .unknown
        }
        if rest == "self_attn.rotary_emb.inv_freq" { return .skip("a buffer recomputed from rope_theta") }
        guard let (module, parameter) = HuggingFaceNames.parameter(rest), let part = Self.blockModules[module] else {
            return .unknown
        }
        return .tensor("blocks.\(layer).\(part).\(parameter)", .none)
    }

    /// The names LlamaForCausalLM saves: `model.` before the body, `lm_head.weight` when untied.
    public func exportName(forCanonicalName name: String) -> ExportName? {
        guard tensorShapes[name] != nil else { return nil }
        if name == "lm_head.weight" { return ExportName(name) }
        if let local = HuggingFaceNames.module(named: name, in: Self.topLevelNames) { return ExportName("model." + local) }
        guard let (layer, rest) = HuggingFaceNames.block(name, container: "blocks", count: config.num_hidden_layers),
              let (part, parameter) = HuggingFaceNames.parameter(rest),
              let module = HuggingFaceNames.module(named: part, in: Self.blockModules) else { return nil }
        return ExportName("model.layers.\(layer).\(module).\(parameter)")
    }

    public func makeModel(weights: any WeightStore) throws -> any LanguageModel {
        try LlamaModel(self, weights: weights)
    }
}

/// A Llama ready to run: norms and biases in float32, matrices in float32 or in their quantized blocks.
final class LlamaModel: OutputHeadDecoder {
    struct Block {
        let norm1, output, norm2, down: Tensor
        let outputBias, downBias: Tensor?
        /// The projections that read the same input, run as one: query, key and value; gate and up.
        let queryKeyValue, gateUp: [Tensor]
        let queryKeyValueBiases, gateUpBiases: [Tensor?]
    }

    /// The tensors of a forward pass over `rows` positions.
    final class Buffers: HeadInputBuffers {
        let rows: Int
        let x, h: Tensor  // [rows, width]: the residual stream, and each normalised input to it
        let queryKeyValue: [Tensor]  // [rows, heads · headDim], then twice [rows, keyValueHeads · headDim]
        let attended: Tensor  // [rows, heads · headDim]
        let projected: Tensor  // [rows, width]: a sublayer's output before it joins the residual stream
        let gateUp: [Tensor]  // twice [rows, intermediate]
        var angles: RotaryEmbedding.Angles
        var logits: ReturnedTensor  // [1, vocabulary]

        init(rows: Int, model: LlamaModel) {
            let a = model.architecture
            func tensor(_ width: Int) -> Tensor { Tensor(zeros: [rows, width]) }
            self.rows = rows
            (x, h, projected) = (tensor(a.width), tensor(a.width), tensor(a.width))
            queryKeyValue = [tensor(a.heads * a.headDim), tensor(a.keyValueHeads * a.headDim),
                             tensor(a.keyValueHeads * a.headDim)]
            attended = tensor(a.heads * a.headDim)
            gateUp = [tensor(a.innerWidth), tensor(a.innerWidth)]
            angles = model.rotary.angles(rows: rows, firstPosition: 0)
            logits = ReturnedTensor(shape: [1, a.config.vocab_size])
        }
    }

    let architecture: Llama
    let tokenEmbedding, finalNorm: Tensor
    let outputHead: OutputHead
    let blocks: [Block]
    let rotary: RotaryEmbedding

    var vocabularySize: Int { architecture.config.vocab_size }
    var contextLength: Int { architecture.contextLength }
    var layerCount: Int { blocks.count }
    var attentionHeads: Int { architecture.heads }

    init(_ architecture: Llama, weights: any WeightStore) throws {
        self.architecture = architecture
        func load(_ name: String) throws -> Tensor { try weights.tensor(name).float32() }
        /// Matrices stay in their stored type (float16, bfloat16 or blocks): `linear` and `embeddingLookup` compute
        /// with them as they are.
        func matrix(_ name: String) throws -> Tensor { try weights.tensor(name) }
        func bias(_ name: String, _ present: Bool) throws -> Tensor? { present ? try load(name) : nil }
        tokenEmbedding = try matrix("token_embedding.weight")
        finalNorm = try load("final_norm.weight")
        outputHead = OutputHead(weight: architecture.tied ? tokenEmbedding : try matrix("lm_head.weight"))
        let attentionBias = architecture.attentionBias, mlpBias = architecture.mlpBias
        blocks = try (0..<architecture.config.num_hidden_layers).map { i in
            let p = "blocks.\(i)."
            return Block(
                norm1: try load(p + "norm1.weight"), output: try matrix(p + "attn.out.weight"),
                norm2: try load(p + "norm2.weight"), down: try matrix(p + "mlp.down.weight"),
                outputBias: try bias(p + "attn.out.bias", attentionBias),
                downBias: try bias(p + "mlp.down.bias", mlpBias),
                queryKeyValue: try ["q", "k", "v"].map { try matrix(p + "attn.\($0).weight") },
                gateUp: try ["gate", "up"].map { try matrix(p + "mlp.\($0).weight") },
                queryKeyValueBiases: try ["q", "k", "v"].map { try bias(p + "attn.\($0).bias", attentionBias) },
                gateUpBiases: try ["gate", "up"].map { try bias(p + "mlp.\($0).bias", mlpBias) })
        }
        rotary = RotaryEmbedding(headDimension: architecture.headDim, base: architecture.ropeBase)
    }

    func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: blocks.count, capacity: min(capacity, contextLength),
                width: architecture.keyValueHeads * architecture.headDim)
    }

    func run(_ tokens: [Int], cache: KVCache, recorder: AttentionRecorder?) -> Buffers {
        let start = cache.length, rows = tokens.count
        let a = architecture
        let b = cache.buffers(rows: rows) { Buffers(rows: rows, model: self) }
        let scale = 1 / Float(a.headDim).squareRoot()
        let queryWidth = a.heads * a.headDim, keyValueWidth = a.keyValueHeads * a.headDim
        embeddingLookup(tokenEmbedding, ids: tokens, into: b.x)
        rotary.update(&b.angles, firstPosition: start)

        for (i, block) in blocks.enumerated() {
            rmsNorm(b.x, weight: block.norm1, epsilon: a.epsilon, into: b.h)
            linear(b.h, weights: block.queryKeyValue, biases: block.queryKeyValueBiases, into: b.queryKeyValue)
            let q = b.queryKeyValue[0].mutableData, k = b.queryKeyValue[1].mutableData
            let v = b.queryKeyValue[2].data
            rotary.apply(b.angles, to: q, stride: queryWidth, heads: a.heads)
            rotary.apply(b.angles, to: k, stride: keyValueWidth, heads: a.keyValueHeads)
            groupedQueryAttention(
                q: q, queryStride: queryWidth, k: k, v: v, keyValueStride: keyValueWidth, rows: rows, heads: a.heads,
                keyValueHeads: a.keyValueHeads, headDim: a.headDim, cache: cache, layer: i, scale: scale,
                into: b.attended)
            recorder?.record(layer: i, q: q, queryStride: queryWidth, k: k, keyStride: keyValueWidth,
                             keyValueHeads: a.keyValueHeads, headDim: a.headDim, scale: scale,
                             mask: .causal(firstPosition: 0))
            linear(b.attended, weight: block.output, bias: block.outputBias, into: b.projected)
            addInPlace(b.x, b.projected)

            rmsNorm(b.x, weight: block.norm2, epsilon: a.epsilon, into: b.h)
            linear(b.h, weights: block.gateUp, biases: block.gateUpBiases, into: b.gateUp)
            a.activation.apply(b.gateUp[0])
            multiplyInPlace(b.gateUp[0], b.gateUp[1])
            linear(b.gateUp[0], weight: block.down, bias: block.downBias, into: b.projected)
            addInPlace(b.x, b.projected)
        }
        cache.length += rows

        rmsNorm(b.x, weight: finalNorm, epsilon: a.epsilon, into: b.h)
        return b
    }
}
