import Foundation
import ZooModels
import ZooTensor

/// Beam search over an encoder-decoder, step for step as transformers' generate() runs it (5.x, one input): at each
/// step the 2 × numBeams best continuations of all running beams by summed log-probability; those that end (an end
/// token, or the maximum length) join the finished hypotheses, scored by their sum over (generated length)^
/// lengthPenalty, if they are among the first numBeams; the best numBeams that do not end run on. Scores are
/// float32, with −1e9 marking what may not be chosen, as there, so that the same hypotheses win.
struct BeamSearch {
    let model: any SequenceToSequenceModel
    let settings: SearchSettings

    private struct Beam {
        var tokens: [Int]
        var score: Float
        var state: DecoderState
    }

    private struct Candidate {
        let parent: Int
        let token: Int
        let score: Float
        let ends: Bool
    }

    private struct Hypothesis {
        var tokens: [Int]
        var score: Float
        var isFinished: Bool
    }

    /// The best hypothesis: the decoder's tokens, its start token first.
    func run(_ input: EncodedInput) -> [Int] {
        let width = settings.numBeams, vocabulary = model.vocabularySize
        let constraints = LogitsConstraints(settings: settings)
        let kept = max(2, 1 + settings.endTokenIDs.count) * width
        let penalty = Double(settings.lengthPenalty)
        let start = [settings.decoderStartTokenID]
        let firstState = model.makeDecoderState(for: input, capacity: settings.maxLength)
        // Every beam starts from the start token; all but the first with −1e9, so that the first step's candidates
        // come from one beam.
        var running = (0..<width).map { Beam(tokens: start, score: $0 == 0 ? 0 : -1e9, state: firstState) }
        var finished = (0..<width).map { _ in Hypothesis(tokens: start, score: -1e9, isFinished: false) }
        var improvable = true
        var length = 1

        while true {
            // Log-probabilities of each beam's next token, constrained, plus the beam's score. Beams sharing a state
            // (all of them, at the first step) share its logits; the distinct states run in one pass.
            var distinct: [ObjectIdentifier: Int] = [:], states: [DecoderState] = [], tokens: [Int] = []
            for beam in running where distinct[ObjectIdentifier(beam.state)] == nil {
                distinct[ObjectIdentifier(beam.state)] = states.count
                states.append(beam.state)
                tokens.append(beam.tokens.last!)
            }
            let logits = model.decode(tokens, beams: states)
            var scores = [Float](repeating: 0, count: width * vocabulary)
            for (b, beam) in running.enumerated() {
                let beamLogits = logits.data + distinct[ObjectIdentifier(beam.state)]! * vocabulary
                scores.withUnsafeMutableBufferPointer { buffer in
                    let row = buffer.baseAddress! + b * vocabulary
                    logSoftmax(beamLogits, count: vocabulary, into: row)
                    constraints.apply(to: row, count: vocabulary, after: beam.tokens)
                    for j in 0..<vocabulary { row[j] += beam.score }
                }
            }
            let candidates = Self.best(kept, of: scores).map { index in
                let token = index % vocabulary
                return Candidate(parent: index / vocabulary, token: token, score: scores[index],
                                 ends: settings.endTokenIDs.contains(token) || length + 1 >= settings.maxLength)
            }

            // The beams that run on: the best that did not end.
            let runningScores = candidates.map { $0.score + ($0.ends ? -1e9 : 0) }
            let next = Self.best(width, of: runningScores)

            // The finished hypotheses: the best of those so far and those that ended among the first `width`.
            let lengthFactor = Float(pow(Double(length), penalty))
            let full = finished.allSatisfy(\.isFinished) && settings.earlyStopping == .whenFull
            var merged = finished
            for (i, candidate) in candidates.enumerated() {
                let justFinished = candidate.ends && i < width
                var score = candidate.score / lengthFactor
                if full { score += -1e9 }
                if !improvable { score += -1e9 }
                if !justFinished { score += -1e9 }
                merged.append(Hypothesis(tokens: running[candidate.parent].tokens + [candidate.token], score: score,
                                         isFinished: justFinished))
            }
            finished = Self.best(width, of: merged.map(\.score)).map { merged[$0] }

            // The running beams' states: a parent continued by several beams is copied for all but the first, into
            // the states of beams that end here while there are any.
            let continued = Set(next.map { ObjectIdentifier(running[candidates[$0].parent].state) })
            var spares = running.map(\.state).filter { !continued.contains(ObjectIdentifier($0)) }
            var taken = Set<ObjectIdentifier>()
            running = next.map { index in
                let candidate = candidates[index], parent = running[candidate.parent]
                let fresh = taken.insert(ObjectIdentifier(parent.state)).inserted
                return Beam(tokens: parent.tokens + [candidate.token], score: runningScores[index],
                            state: fresh ? parent.state : parent.state.copy(reusing: spares.popLast()))
            }
            length += 1

            // Whether a running beam may still beat the worst finished hypothesis.
            let hypotheticalLength = settings.earlyStopping == .never && penalty > 0 ? settings.maxLength - 1 : length - 1
            let bestPossible = running[0].score / Float(pow(Double(hypotheticalLength), penalty))
            let allFinished = finished.allSatisfy(\.isFinished)
            let worst = finished.map(\.score).min()!
            improvable = improvable && finished.contains { bestPossible > ($0.isFinished ? worst : -1e9) }
            let open = !(allFinished && settings.earlyStopping == .whenFull)
            if !(improvable && open && !candidates.allSatisfy(\.ends)) { break }
        }
        return finished[0].tokens
    }

    /// The indices of the `k` largest values, largest first; equal values by lower index.
    static func best(_ k: Int, of values: [Float]) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(k + 1)
        for (index, value) in values.enumerated() {
            if top.count == k, let last = top.last, !(value > values[last]) { continue }
            var position = top.count
            while position > 0 && value > values[top[position - 1]] { position -= 1 }
            top.insert(index, at: position)
            if top.count > k { top.removeLast() }
        }
        return top
    }
}

/// log(softmax(x)) of `count` values, in float32 as torch computes it: x − max − log Σ exp(x − max).
func logSoftmax(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, x[i]) }
    var sum: Float = 0
    for i in 0..<count { sum += expf(x[i] - maximum) }
    let logSum = logf(sum)
    for i in 0..<count { out[i] = x[i] - maximum - logSum }
}
