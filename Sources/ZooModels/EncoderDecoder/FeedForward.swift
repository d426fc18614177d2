import ZooTensor

/// The feed-forward of an encoder-decoder layer: down(act(up(x))), or with a gate, down(act(gate(x)) · up(x))
/// (T5 v1.1's gated-GELU). Canonical names `<prefix>.up`, `.down` and, when gated, `.gate`, each `.weight` and, with
/// biases, `.bias`.
struct FeedForward {
    let up, down: Tensor
    let gate: Tensor?
    let upBias, downBias: Tensor?
    let activation: Activation

    init(_ prefix: String, weights: any WeightStore, gated: Bool, biases: Bool, activation: Activation) throws {
        func load(_ name: String) throws -> Tensor { try weights.tensor("\(prefix).\(name)").float32() }
        func matrix(_ name: String) throws -> Tensor { try weights.productMatrix("\(prefix).\(name)") }
        up = try matrix("up.weight")
        down = try matrix("down.weight")
        gate = gated ? try matrix("gate.weight") : nil
        upBias = biases ? try load("up.bias") : nil
        downBias = biases ? try load("down.bias") : nil
        self.activation = activation
    }

    static func shapes(_ prefix: String, width: Int, inner: Int, gated: Bool, biases: Bool) -> [String: [Int]] {
        var shapes = ["\(prefix).up.weight": [inner, width], "\(prefix).down.weight": [width, inner]]
        if gated { shapes["\(prefix).gate.weight"] = [inner, width] }
        if biases {
            shapes["\(prefix).up.bias"] = [inner]
            shapes["\(prefix).down.bias"] = [width]
        }
        return shapes
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let rows = x.shape[0], inner = up.shape[0]
        let out = Tensor(zeros: [rows, down.shape[0]])
        self(x, hidden: Tensor(zeros: [rows, inner]), upOutput: gate.map { _ in Tensor(zeros: [rows, inner]) },
             into: out)
        return out
    }

    /// The feed-forward of `x` written into `out`, through `hidden` and, with a gate, `upOutput` (both [rows,
    /// inner]).
    func callAsFunction(_ x: Tensor, hidden: Tensor, upOutput: Tensor?, into out: Tensor) {
        precondition((gate == nil) == (upOutput == nil), "feed-forward: a buffer for the up projection iff gated")
        linear(x, weight: gate ?? up, bias: gate == nil ? upBias : nil, into: hidden)
        activation.apply(hidden)
        if let upOutput {
            linear(x, weight: up, bias: upBias, into: upOutput)
            multiplyInPlace(hidden, upOutput)
        }
        linear(hidden, weight: down, bias: downBias, into: out)
    }
}
