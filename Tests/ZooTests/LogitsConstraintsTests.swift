import Testing
@testable import Zoo

/// The constraints on the next decoder token, on hand-made sequences.
@Suite struct LogitsConstraintsTests {
    func scores(_ settings: SearchSettings, after sequence: [Int], vocabulary: Int = 8) -> [Float] {
        var scores = [Float](repeating: 1, count: vocabulary)
        scores.withUnsafeMutableBufferPointer {
            LogitsConstraints(settings: settings).apply(to: $0.baseAddress!, count: vocabulary, after: sequence)
        }
        return scores
    }

    @Test func noRepeatedNgramBarsTheTokensThatWouldRepeatOne() {
        let settings = SearchSettings(decoderStartTokenID: 0, endTokenIDs: [1], noRepeatNgramSize: 2)
        // After ... 3, the bigrams (3, 4) and (3, 5) were seen: 4 and 5 are barred, nothing else.
        let after = scores(settings, after: [0, 3, 4, 2, 3, 5, 6, 3])
        #expect(after.indices.filter { after[$0] == -.infinity } == [4, 5])
        var trigram = settings
        trigram.noRepeatNgramSize = 3
        #expect(scores(trigram, after: [0, 3, 4, 2, 3, 4]).firstIndex(of: -.infinity) == 2)
    }

    @Test func minimumLengthAndForcedTokens() {
        var settings = SearchSettings(decoderStartTokenID: 0, endTokenIDs: [1, 7], forcedBeginTokenID: 5,
                                      forcedEndTokenIDs: [1, 7], maxLength: 6, minLength: 4)
        let barred = -Float.infinity
        let first: [Float] = [barred, barred, barred, barred, barred, 0, barred, barred]
        let early: [Float] = [1, barred, 1, 1, 1, 1, 1, barred]
        let free = [Float](repeating: 1, count: 8)
        let last: [Float] = [barred, 0, barred, barred, barred, barred, barred, 0]
        #expect(scores(settings, after: [0]) == first)
        #expect(scores(settings, after: [0, 5, 2]) == early)
        #expect(scores(settings, after: [0, 5, 2, 3]) == free)
        #expect(scores(settings, after: [0, 5, 2, 3, 4]) == last)
        settings.forcedBeginTokenID = nil
        #expect(scores(settings, after: [0]).filter { $0 == -.infinity }.count == 2)
    }
}
