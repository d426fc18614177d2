/// What a pre-tokenizer that splits at delimiters does with them (Hugging Face's `SplitDelimiterBehavior`).
enum DelimiterBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    /// Consecutive delimiters make one word.
    case contiguous = "Contiguous"

    /// The words of a text cut into `segments`: delimiters and the stretches between them, in order.
    func words(_ segments: [(range: Range<Int>, isDelimiter: Bool)]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var previousIsDelimiter = false
        switch self {
        case .removed:
            return segments.filter { !$0.isDelimiter }.map(\.range)
        case .isolated:
            return segments.map(\.range)
        case .contiguous:
            for segment in segments {
                if segment.isDelimiter == previousIsDelimiter, let last = words.last {
                    words[words.count - 1] = last.lowerBound..<segment.range.upperBound
                } else {
                    words.append(segment.range)
                }
                previousIsDelimiter = segment.isDelimiter
            }
        case .mergedWithPrevious:
            for segment in segments {
                if segment.isDelimiter && !previousIsDelimiter, let last = words.last {
                    words[words.count - 1] = last.lowerBound..<segment.range.upperBound
                } else {
                    words.append(segment.range)
                }
                previousIsDelimiter = segment.isDelimiter
            }
        case .mergedWithNext:
            for segment in segments.reversed() {
                if segment.isDelimiter && !previousIsDelimiter, let last = words.last {
                    words[words.count - 1] = segment.range.lowerBound..<last.upperBound
                } else {
                    words.append(segment.range)
                }
                previousIsDelimiter = segment.isDelimiter
            }
            words.reverse()
        }
        return words
    }
}
