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
        if barsRepeats(length) {
            // Every earlier n-gram whose first n − 1 tokens are the last n − 1 tokens bars its last token.
            let prefix = sequence[(length - n + 1)...]
            for start in 0...(length - n) where sequence[start..<(start + n - 1)].elementsEqual(prefix) {
                scores[sequence[start + n - 1]] = -.infinity
            }
        }
        if barsEnd(length) {
            for id in settings.endTokenIDs where id < count { scores[id] = -.infinity }
        }
        if forcesBegin(length), let forced = settings.forcedBeginTokenID {
            force([forced], scores, count)
        }
        if forcesEnd(length) {
            force(settings.forcedEndTokenIDs, scores, count)
        }
    }

    /// Whether `apply` may change any score of the token after `length` tokens (false: the plain argmax stands).
    func mayApply(afterLength length: Int) -> Bool {
        barsRepeats(length) || barsEnd(length) || forcesBegin(length) || forcesEnd(length)
    }

    private func barsRepeats(_ length: Int) -> Bool {
        settings.noRepeatNgramSize > 0 && length >= settings.noRepeatNgramSize
    }
    private func barsEnd(_ length: Int) -> Bool { length < settings.minLength }
    private func forcesBegin(_ length: Int) -> Bool { length == 1 && settings.forcedBeginTokenID != nil }
    private func forcesEnd(_ length: Int) -> Bool {
        length == settings.maxLength - 1 && !settings.forcedEndTokenIDs.isEmpty
    }

    private func force(_ ids: [Int], _ scores: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { scores[i] = -.infinity }
        for id in ids where id >= 0 && id < count { scores[id] = 0 }
    }
}
