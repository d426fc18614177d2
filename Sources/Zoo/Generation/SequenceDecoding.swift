import ZooModels
import ZooTensor

/// The decoder's side of encoder-decoder generation: from the encoded input to the output tokens, one token at a
/// time (greedy, or sampled with the sampler's options) or by beam search when `settings.numBeams` is above 1.
struct SequenceDecoding {
    let model: any SequenceToSequenceModel
    let settings: SearchSettings
    /// Temperature, top-k, top-p and seed (its `maxNewTokens` is not read: `settings.maxLength` bounds the output).
    let sampling: GenerationOptions

    /// The decoder's tokens after its start token. `onToken` receives each token as it is chosen when decoding one
    /// token at a time, and the whole best hypothesis at the end of a beam search.
    func run(_ input: EncodedInput, onToken: (Int) -> Void) -> [Int] {
        guard settings.maxLength > 1 else { return [] }
        if settings.numBeams > 1 {
            let tokens = Array(BeamSearch(model: model, settings: settings).run(input).dropFirst())
            tokens.forEach(onToken)
            return tokens
        }
        let constraints = LogitsConstraints(settings: settings)
        var sampler = Sampler(options: sampling)
        let state = model.makeDecoderState(for: input, capacity: settings.maxLength)
        var sequence = [settings.decoderStartTokenID]
        while sequence.count < settings.maxLength {
            let next: Int
            if sampling.temperature <= 0 && !constraints.mayApply(afterLength: sequence.count) {
                next = model.greedyToken(after: [sequence.last!], state: state)
            } else {
                let logits = model.decode([sequence.last!], state: state, allPositions: false)
                constraints.apply(to: logits.mutableData, count: model.vocabularySize, after: sequence)
                next = sampler.next(logits: logits.data, count: model.vocabularySize)
            }
            sequence.append(next)
            onToken(next)
            if settings.endTokenIDs.contains(next) { break }
        }
        return Array(sequence.dropFirst())
    }
}
