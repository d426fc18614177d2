import Foundation

/// Rotary position embeddings (Su et al., 2021) in Hugging Face's "rotate half" layout: within each head of
/// `headDimension` values, value i pairs with value i + headDimension/2, and the pair is rotated by the angle
/// position · θ^(−2i/headDimension).
public struct RotaryEmbedding: Sendable {
    public let headDimension: Int
    /// θ^(−2i/headDimension) for i < headDimension/2, in float32 as transformers computes them.
    public let inverseFrequencies: [Float]

    public init(headDimension: Int, base: Float) {
        precondition(headDimension > 0 && headDimension % 2 == 0, "rotary embedding: odd head dimension \(headDimension)")
        self.headDimension = headDimension
        inverseFrequencies = (0..<headDimension / 2).map { i in
            1 / powf(base, Float(2 * i) / Float(headDimension))
        }
    }

    /// Rotates, in place, `rows` rows of `heads` heads each, row r being at position `firstPosition + r`. Rows
    /// are `stride` floats apart; the heads of a row are side by side from its start.
    public func apply(to x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, firstPosition: Int) {
        let half = headDimension / 2
        var cosines = [Float](repeating: 0, count: half), sines = [Float](repeating: 0, count: half)
        for r in 0..<rows {
            let position = Float(firstPosition + r)
            for i in 0..<half {
                let angle = position * inverseFrequencies[i]
                cosines[i] = cosf(angle)
                sines[i] = sinf(angle)
            }
            for h in 0..<heads {
                let head = x + r * stride + h * headDimension
                for i in 0..<half {
                    let first = head[i], second = head[i + half]
                    head[i] = first * cosines[i] - second * sines[i]
                    head[i + half] = second * cosines[i] + first * sines[i]
                }
            }
        }
    }
}
