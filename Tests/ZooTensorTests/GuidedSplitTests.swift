import Testing
@testable import ZooTensor

/// The part boundaries of `Parallel.forRanges` (guided scheduling), for thread counts other than this machine's.
@Suite struct GuidedSplitTests {
    static func sizes(_ split: GuidedSplit) -> [Int] {
        (0..<split.parts).map { split.start($0 + 1) - split.start($0) }
    }

    /// The parts tile 0..<units in order, none shorter than the minimum, none longer than the one before it (up
    /// to a unit of rounding), and the last ones about the minimum, so the threads finish close together.
    @Test(arguments: [2, 3, 8, 64], [(1, 1), (60, 6), (192, 1), (3072, 4), (100_000, 7), (13, 6), (11, 6), (17, 6), (1000, 3)])
    func partsShrinkAndTileTheRange(threads: Int, shape: (units: Int, minimum: Int)) {
        let split = GuidedSplit(units: shape.units, threads: threads, minimumUnits: shape.minimum)
        #expect(split.start(0) == 0 && split.start(split.parts) == shape.units)
        let sizes = Self.sizes(split)
        if shape.units < 2 * shape.minimum {
            #expect(split.parts == 1)
            return
        }
        #expect(sizes.allSatisfy { $0 >= shape.minimum }, "\(sizes)")
        for k in 1..<sizes.count { #expect(sizes[k] <= sizes[k - 1] + 1, "part \(k) of \(sizes)") }
        #expect(sizes.last! < 2 * shape.minimum || sizes.last! <= shape.units / (2 * threads) + 1, "\(sizes)")
        // The first part is about a 2·threads-th of the whole: the other threads have work while it runs.
        #expect(sizes[0] < max(2 * shape.minimum, shape.units / (2 * threads) + 2), "\(sizes)")
        if shape.units >= 16 * threads * shape.minimum { #expect(split.parts > 2 * threads, "\(sizes)") }
    }

    /// With `streams`, SmolLM2's and GPT-2's matrix-vector products run as one contiguous range per thread (at most
    /// one per unit), of equal length to a unit; fewer when the minimum asks, and one for a loop shorter than two
    /// minimums.
    @Test(arguments: [2, 3, 8, 64], [(576, 16), (960, 16), (3072, 16), (49152, 16), (768, 4), (2304, 4), (50257, 4)])
    func streamsGiveEachThreadOneRange(threads: Int, shape: (count: Int, granularity: Int)) {
        let split = RangeSplit(count: shape.count, granularity: shape.granularity, minimum: shape.granularity,
                               threads: threads, streams: true)
        let units = (shape.count + shape.granularity - 1) / shape.granularity
        #expect(split.parts == min(threads, units))
        let lengths = (0..<split.parts).map { split[$0].count }
        #expect(split[0].lowerBound == 0 && split[split.parts - 1].upperBound == shape.count)
        #expect(lengths.max()! - lengths.min()! <= 2 * shape.granularity, "\(lengths)")
        for part in 1..<split.parts { #expect(split[part].lowerBound == split[part - 1].upperBound) }
        let fewer = RangeSplit(count: shape.count, granularity: shape.granularity, minimum: shape.count / 2,
                               threads: threads, streams: true)
        #expect(fewer.parts == 2)
        #expect(RangeSplit(count: 30, granularity: 1, minimum: 16, threads: threads, streams: true).parts == 1)
    }

    /// One thread runs the loop as one part.
    @Test func oneThreadIsOnePart() {
        #expect(GuidedSplit(units: 1000, threads: 1, minimumUnits: 1).parts == 1)
    }
}
