import Foundation

/// Softmax over `count` values in place, subtracting the maximum first so that large logits do not overflow.
/// Entries of −∞ (masked positions) come out as 0.
public func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, values[i]) }
    var sum: Float = 0
    for i in 0..<count {
        let e = expf(values[i] - maximum)
        values[i] = e
        sum += e
    }
    let inverse = 1 / sum
    for i in 0..<count { values[i] *= inverse }
}

/// Softmax over the last dimension of a float32 tensor, in place.
public func softmaxRowsInPlace(_ x: Tensor) {
    let width = x.shape[x.shape.count - 1]
    let values = x.mutableData
    for r in 0..<(x.count / width) { softmaxInPlace(values + r * width, count: width) }
}
