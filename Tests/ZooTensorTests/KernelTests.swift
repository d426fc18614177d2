import Testing
import ZooTensor

/// Deterministic pseudo-random values in [-1, 1).
func values(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
}

@Test(arguments: [1, 5])
func linearMatchesNaiveProduct(rows: Int) {
    let inputs = 7, outputs = 3
    let x = Tensor(shape: [rows, inputs], values: values(rows * inputs, seed: 1))
    let w = Tensor(shape: [outputs, inputs], values: values(outputs * inputs, seed: 2))
    let b = Tensor(shape: [outputs], values: values(outputs, seed: 3))
    let y = linear(x, weight: w, bias: b).toArray()
    let xs = x.toArray(), ws = w.toArray(), bs = b.toArray()
    for r in 0..<rows {
        for o in 0..<outputs {
            var expected = bs[o]
            for i in 0..<inputs { expected += xs[r * inputs + i] * ws[o * inputs + i] }
            #expect(abs(y[r * outputs + o] - expected) < 1e-5)
        }
    }
}

@Test func layerNormNormalisesEachRow() {
    let x = Tensor(shape: [2, 4], values: [1, 2, 3, 4, -2, 0, 2, 4])
    let weight = Tensor(shape: [4], values: [1, 1, 2, 1])
    let bias = Tensor(shape: [4], values: [0, 0, 0, 1])
    let y = layerNorm(x, weight: weight, bias: bias, epsilon: 0).toArray()
    // Row 1: mean 2.5, variance 1.25.
    let s = Float(1.25).squareRoot()
    let expected: [Float] = [-1.5 / s, -0.5 / s, 2 * 0.5 / s, 1.5 / s + 1]
    for i in 0..<4 { #expect(abs(y[i] - expected[i]) < 1e-6) }
    // Row 2 is row 1 scaled and shifted, which normalisation removes.
    for i in 0..<4 { #expect(abs(y[4 + i] - expected[i]) < 1e-5) }
}

@Test func activationsMatchPyTorchValues() {
    // torch: NewGELUActivation()(1.0), F.gelu(1.0), F.gelu(-2.0, approximate='tanh'), F.silu(1.0)
    let cases: [(Activation, Float, Float)] = [
        (.geluTanh, 1, 0.8411920071), (.gelu, 1, 0.8413447142), (.geluTanh, -2, -0.0454022884),
        (.silu, 1, 0.7310585976), (.relu, -3, 0), (.quickGelu, 1, 0.8457957506),
    ]
    for (activation, input, expected) in cases {
        let x = Tensor(shape: [1], values: [input])
        activation.apply(x)
        #expect(abs(x.toArray()[0] - expected) < 1e-6, "\(activation) of \(input)")
    }
}

@Test func softmaxSumsToOneAndIgnoresMaskedEntries() {
    var row: [Float] = [1000, 1001, -.infinity, 999]
    row.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: 4) }
    #expect(row[2] == 0)
    #expect(abs(row.reduce(0, +) - 1) < 1e-6)
    #expect(row[1] > row[0] && row[0] > row[3])
}

@Test func attentionWithCacheEqualsAttentionOverTheWholeSequence() {
    let heads = 2, headDim = 3, width = heads * headDim, length = 5
    let qkv = Tensor(shape: [length, 3 * width], values: values(length * 3 * width, seed: 9))
    let scale = 1 / Float(headDim).squareRoot()

    let whole = KVCache(layers: 1, capacity: length, width: width)
    let all = causalSelfAttention(q: qkv.data, k: qkv.data + width, v: qkv.data + 2 * width, stride: 3 * width,
                                  rows: length, heads: heads, headDim: headDim, cache: whole, layer: 0, scale: scale)

    let stepwise = KVCache(layers: 1, capacity: length, width: width)
    for position in 0..<length {
        let row = qkv.row(position).reshaped([1, 3 * width])
        let out = causalSelfAttention(q: row.data, k: row.data + width, v: row.data + 2 * width, stride: 3 * width,
                                      rows: 1, heads: heads, headDim: headDim, cache: stepwise, layer: 0, scale: scale)
        stepwise.length += 1
        let expected = all.row(position).toArray()
        for (a, b) in zip(out.toArray(), expected) { #expect(abs(a - b) < 1e-6) }
    }
    // The first position sees only itself: its output is its own value vector.
    let first = all.row(0).toArray()
    let ownValue = Array(qkv.row(0).toArray()[(2 * width)...])
    for (a, b) in zip(first, ownValue) { #expect(abs(a - b) < 1e-6) }
}

/// A long chunk of new positions after a cached one runs causal attention in blocks of query rows, each over only
/// the keys its rows see (3 blocks of up to 128 rows here, after 37 cached positions); every row must equal the
/// one-position-at-a-time path, a separate kernel (tolerance 1e-5).
@Test func blockedCausalAttentionEqualsOnePositionAtATime() {
    let heads = 3, headDim = 8, width = heads * headDim, cached = 37, chunk = 300, length = cached + chunk
    let qkv = Tensor(shape: [length, 3 * width], values: values(length * 3 * width, seed: 4))
    let scale = 1 / Float(headDim).squareRoot()

    let blocked = KVCache(layers: 1, capacity: length, width: width)
    var outputs: [[Float]] = []
    for (first, rows) in [(0, cached), (cached, chunk)] {
        let part = qkv.data + first * 3 * width
        let out = causalSelfAttention(q: part, k: part + width, v: part + 2 * width, stride: 3 * width, rows: rows,
                                      heads: heads, headDim: headDim, cache: blocked, layer: 0, scale: scale)
        blocked.length += rows
        outputs += (0..<rows).map { out.row($0).toArray() }
    }

    let stepwise = KVCache(layers: 1, capacity: length, width: width)
    var worst: Float = 0
    for position in 0..<length {
        let row = qkv.row(position).reshaped([1, 3 * width])
        let out = causalSelfAttention(q: row.data, k: row.data + width, v: row.data + 2 * width, stride: 3 * width,
                                      rows: 1, heads: heads, headDim: headDim, cache: stepwise, layer: 0, scale: scale)
        stepwise.length += 1
        for (a, b) in zip(out.toArray(), outputs[position]) { worst = max(worst, abs(a - b)) }
    }
    #expect(worst < 1e-5, "max |difference| \(worst)")
}

@Test func transposeSwapsAxes() {
    let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    let t = transposed(x)
    #expect(t.shape == [3, 2])
    #expect(t.toArray() == [1, 4, 2, 5, 3, 6])
}

@Test func halfPrecisionConversionsRoundToNearestEven() {
    let x = Tensor(shape: [4], values: [1, 1.00390625, 3.14159265, -65504])
    // bfloat16 keeps 8 significant bits: 1 + 2^-8 is a tie and rounds to even (1.0).
    #expect(x.converted(to: .bfloat16).toArray() == [1, 1, 3.140625, -65536])
    #expect(x.converted(to: .float16).toArray() == [1, 1.00390625, 3.140625, -65504])
    #expect(Float(bfloat16Bits: Float.nan.bfloat16Bits).isNaN)
}
