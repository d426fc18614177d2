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

    /// The cosines and sines of the angles of `rows` consecutive positions: computed once per forward pass and
    /// applied to every layer's queries and keys (computing them for each was 3,840 sines and cosines per SmolLM2
    /// token).
    public struct Angles: Sendable {
        let rows: Int
        var cosines: [Float], sines: [Float]  // [rows, headDimension / 2]
    }

    /// The angles of positions `firstPosition ..< firstPosition + rows`.
    public func angles(rows: Int, firstPosition: Int) -> Angles {
        var angles = Angles(rows: rows, cosines: [Float](repeating: 0, count: rows * headDimension / 2),
                            sines: [Float](repeating: 0, count: rows * headDimension / 2))
        update(&angles, firstPosition: firstPosition)
        return angles
    }

    /// Sets `angles` to those of positions `firstPosition ..< firstPosition + angles.rows`, in its own memory.
    public func update(_ angles: inout Angles, firstPosition: Int) {
        let half = headDimension / 2
        for r in 0..<angles.rows {
            let position = Float(firstPosition + r)
            for i in 0..<half {
                let angle = position * inverseFrequencies[i]
                angles.cosines[r * half + i] = cosf(angle)
                angles.sines[r * half + i] = sinf(angle)
            }
        }
    }

    /// Rotates, in place, `angles.rows` rows of `heads` heads each, by the angles of their positions. Rows are
    /// `stride` floats apart; the heads of a row are side by side from its start.
    public func apply(_ angles: Angles, to x: UnsafeMutablePointer<Float>, stride: Int, heads: Int) {
        let half = headDimension / 2
        angles.cosines.withUnsafeBufferPointer { cosines in
            angles.sines.withUnsafeBufferPointer { sines in
                for r in 0..<angles.rows {
                    let c = cosines.baseAddress! + r * half, s = sines.baseAddress! + r * half
                    for h in 0..<heads {
                        let head = x + r * stride + h * headDimension
                        for i in 0..<half {
                            let first = head[i], second = head[i + half]
                            head[i] = first * c[i] - second * s[i]
                            head[i + half] = second * c[i] + first * s[i]
                        }
                    }
                }
            }
        }
    }
}
