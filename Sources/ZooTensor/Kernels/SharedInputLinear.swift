/// `linear(x, weight: weights[k], bias: biases[k])` for every k: products that read the same input, such as a
/// layer's query, key and value projections. For one row against block-type weights they run as one parallel loop
/// over all the weights' rows (and with int8 activations quantize the row once); otherwise one `linear` each.
public func linear(_ x: Tensor, weights: [Tensor], biases: [Tensor?]) -> [Tensor] {
    precondition(weights.count == biases.count && !weights.isEmpty, "linear: one bias (or nil) per weight")
    let shared = x.shape.count == 2 && x.shape[0] == 1
        && weights.allSatisfy { $0.shape.count == 2 && $0.shape[1] == x.shape[1] && $0.dtype.isQuantized
            && $0.int8Activations == weights[0].int8Activations }
    guard shared else { return zip(weights, biases).map { linear(x, weight: $0, bias: $1) } }
    let results = zip(weights, biases).map { linearOutput(rows: 1, outputs: $0.shape[0], bias: $1) }
    blockVectorProducts(x.data, weights, results.map(\.mutableData))
    return results
}
