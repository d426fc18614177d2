import Foundation
import ZooModels
import ZooTensor

/// Picks the next token from logits: greedy, or sampling with temperature, top-k and top-p applied in that
/// order, as transformers' generate() applies its logits warpers.
struct Sampler {
    let options: GenerationOptions
    private var random: SplitMix64

    init(options: GenerationOptions) {
        self.options = options
        self.random = SplitMix64(seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
    }

    mutating func next(logits: UnsafePointer<Float>, count: Int) -> Int {
        if options.temperature <= 0 { return argmax(logits, count: count) }
        return sample((0..<count).map { (id: $0, logit: logits[$0] / options.temperature) })
    }

    /// The next token, sampled (temperature above 0) from the logits `model.nextLogits(...)` gave for this sampler's
    /// top-k: the same token as from all the logits, since top-k keeps only tokens whose logit is at least the k-th
    /// largest, and those are all there.
    mutating func next(_ logits: NextLogits, count: Int) -> Int {
        switch logits {
        case .all(let all): next(logits: all.data, count: count)
        case .largest(let largest): sample(largest.map { (id: $0.id, logit: $0.logit / options.temperature) })
        }
    }

    /// Samples among `candidates` (logits already divided by the temperature): top-k, then top-p.
    private mutating func sample(_ scaled: [(id: Int, logit: Float)]) -> Int {
        var candidates = scaled
        // Highest first; equal logits keep the lower id first so that a seed always gives the same tokens.
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
        if let k = options.topK, k > 0, k < candidates.count {
            let threshold = candidates[k - 1].logit
            candidates = candidates.prefix { $0.logit >= threshold }
        }
        let maximum = candidates[0].logit
        var probabilities = candidates.map { exp(Double($0.logit - maximum)) }
        let total = probabilities.reduce(0, +)
        probabilities = probabilities.map { $0 / total }
        if let p = options.topP, p < 1 {
            // Keep the smallest prefix whose mass reaches p (always at least one token).
            var mass = 0.0, keep = 0
            while keep < probabilities.count && (keep == 0 || mass < Double(p)) {
                mass += probabilities[keep]
                keep += 1
            }
            probabilities = probabilities.prefix(keep).map { $0 / mass }
        }
        let draw = random.nextUnitDouble()
        var cumulative = 0.0
        for (index, probability) in probabilities.enumerated() {
            cumulative += probability
            if draw < cumulative { return candidates[index].id }
        }
        return candidates[probabilities.count - 1].id
    }
}

/// A small, fast generator whose sequence depends only on its seed, on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func nextUnitDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
