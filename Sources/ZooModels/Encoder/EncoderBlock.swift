import ZooTensor

/// One post-norm encoder layer, as in BERT: x = norm1(x + attn(x)), then x = norm2(x + mlp(x)), where attn is
/// bidirectional multi-head attention over the tokens of each sequence and mlp is down(act(up(·))).
struct EncoderBlock {
    let queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias, outWeight, outBias: Tensor
    let norm1Weight, norm1Bias: Tensor
    let upWeight, upBias, downWeight, downBias: Tensor
    let norm2Weight, norm2Bias: Tensor

    init(index: Int, weights: any WeightStore) throws {
        func load(_ name: String) throws -> Tensor { try weights.tensor("blocks.\(index).\(name)").float32() }
        func matrix(_ name: String) throws -> Tensor { try weights.productMatrix("blocks.\(index).\(name)") }
        queryWeight = try matrix("attn.query.weight")
        queryBias = try load("attn.query.bias")
        keyWeight = try matrix("attn.key.weight")
        keyBias = try load("attn.key.bias")
        valueWeight = try matrix("attn.value.weight")
        valueBias = try load("attn.value.bias")
        outWeight = try matrix("attn.out.weight")
        outBias = try load("attn.out.bias")
        norm1Weight = try load("norm1.weight")
        norm1Bias = try load("norm1.bias")
        upWeight = try matrix("mlp.up.weight")
        upBias = try load("mlp.up.bias")
        downWeight = try matrix("mlp.down.weight")
        downBias = try load("mlp.down.bias")
        norm2Weight = try load("norm2.weight")
        norm2Bias = try load("norm2.bias")
    }

    /// `x` is [batch × length, width]; returns the layer's output of the same shape. With a recorder, also records
    /// the attention maps of each sequence as those of layer `layer`.
    func callAsFunction(_ x: Tensor, input: EncoderInput, layout: EncoderLayout,
                        recorder: AttentionRecorder? = nil, layer: Int = 0) -> Tensor {
        let width = layout.width, headDim = width / layout.heads, scale = 1 / Float(headDim).squareRoot()
        let q = linear(x, weight: queryWeight, bias: queryBias)
        let k = linear(x, weight: keyWeight, bias: keyBias)
        let v = linear(x, weight: valueWeight, bias: valueBias)
        let attended = bidirectionalAttention(
            q: q.data, k: k.data, v: v.data, stride: width, batch: input.batch, length: input.length,
            heads: layout.heads, headDim: headDim, keyMask: input.mask, scale: scale)
        for b in 0..<(recorder == nil ? 0 : input.batch) {
            let rows = (b * input.length)..<((b + 1) * input.length)
            recorder?.record(layer: layer, sequence: b, q: q.data + rows.lowerBound * width, queryStride: width,
                             k: k.data + rows.lowerBound * width, keyStride: width, headDim: headDim, scale: scale,
                             mask: .keys(Array(input.mask[rows])))
        }
        let residual = linear(attended, weight: outWeight, bias: outBias)
        addInPlace(residual, x)
        let h = layerNorm(residual, weight: norm1Weight, bias: norm1Bias, epsilon: layout.epsilon)

        let up = linear(h, weight: upWeight, bias: upBias)
        layout.activation.apply(up)
        let down = linear(up, weight: downWeight, bias: downBias)
        addInPlace(down, h)
        return layerNorm(down, weight: norm2Weight, bias: norm2Bias, epsilon: layout.epsilon)
    }
}
