/// `linear(x, weight: weights[k], bias: biases[k])` for every k: products that read the same input, such as a
/// layer's query, key and value projections. For one row against block-type weights they run as one parallel loop
/// over all the weights' rows (and with int8 activations quantize the row once); otherwise one `linear` each.
public func linear(_ x: Tensor, weights: [Tensor], biases: [Tensor?]) -> [Tensor] {
    let results = weights.map { Tensor(uninitialized: [x.shape[0], $0.shape[0]]) }
    linear(x, weights: weights, biases: biases, into: results)
    return results
}

/// `linear(x, weights:, biases:)` written into `outs`, one [n, out] tensor per weight.
public func linear(_ x: Tensor, weights: [Tensor], biases: [Tensor?], into outs: [Tensor]) {
    precondition(weights.count == biases.count && weights.count == outs.count && !weights.isEmpty,
                 "linear: one bias (or nil) and one output per weight")
    let shared = x.shape.count == 2 && x.shape[0] == 1
        && weights.allSatisfy { $0.shape.count == 2 && $0.shape[1] == x.shape[1] && $0.dtype.isQuantized
            && $0.activations == weights[0].activations }
    guard shared else {
        for k in weights.indices { linear(x, weight: weights[k], bias: biases[k], into: outs[k]) }
        return
    }
    for k in weights.indices { fillWithBias(outs[k], rows: 1, outputs: weights[k].shape[0], bias: biases[k]) }
    weights.withUnsafeBufferPointer { weights in
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>.self, capacity: outs.count) { pointers in
            for k in outs.indices { pointers.initializeElement(at: k, to: outs[k].mutableData) }
            blockVectorProducts(x.data, weights, UnsafeBufferPointer(pointers))
        }
    }
}
