/// The constraints transformers' generate() puts on the scores of the next decoder token, in its order: no
/// repeated n-gram, a minimum length, a forced first token, a forced last token. A barred token's score becomes −∞;
/// a forced token's becomes 0 and every other's −∞.
struct LogitsConstraints {
    let settings: SearchSettings

    /// Applies the constraints to `scores` (one per vocabulary entry) of the token after `sequence`, the decoder's
    /// tokens so far, its start token included.
    func apply(to scores: UnsafeMutablePointer<Float>, count: Int, after sequence: [Int]) {
        let length = sequence.count
        let n = settings.noRepeatNgramSize
        if n > 0 && length >= n {
            // Every earlier n-gram whose first n − 1 tokens are the last n − 1 tokens bars its last token.
            let prefix = sequence[(length - n + 1)...]
            for start in 0...(length - n) where sequence[start..<(start + n - 1)].elementsEqual(prefix) {
                scores[sequence[start + n - 1]] = -.infinity
            }
        }
        if length < settings.minLength {
            for id in settings.endTokenIDs where id < count { scores[id] = -.infinity }
        }
        if length == 1, let forced = settings.forcedBeginTokenID {
            force([forced], scores, count)
        }
        if length == settings.maxLength - 1, !settings.forcedEndTokenIDs.isEmpty {
            force(settings.forcedEndTokenIDs, scores, count)
        }
    }

    private func force(_ ids: [Int], _ scores: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { scores[i] = -.infinity }
        for id in ids where id >= 0 && id < count { scores[id] = 0 }
    }
}
