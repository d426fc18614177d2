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

    /// One thread runs the loop as one part.
    @Test func oneThreadIsOnePart() {
        #expect(GuidedSplit(units: 1000, threads: 1, minimumUnits: 1).parts == 1)
    }
}
