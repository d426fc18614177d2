import CZooFloat

/// Softmax over `count` values in place, subtracting the maximum first so that large logits do not overflow.
/// Entries of −∞ (masked positions) come out as 0. (A SIMD kernel: its exponential is within 2 float32 ulps.)
public func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    zoo_softmax(values, count)
}

/// Softmax over the last dimension of a float32 tensor, in place.
public func softmaxRowsInPlace(_ x: Tensor) {
    let width = x.shape[x.shape.count - 1]
    let values = x.mutableData
    for r in 0..<(x.count / width) { softmaxInPlace(values + r * width, count: width) }
}
