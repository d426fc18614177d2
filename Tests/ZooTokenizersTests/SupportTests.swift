import Testing

@testable import ZooTokenizers

@Suite struct SupportTests {
    /// Swift's `String` equality would merge these two tokens; the vocabulary must keep them apart.
    @Test func byteStringMapKeepsCanonicallyEquivalentKeysApart() {
        var map = ByteStringMap()
        map.set("\u{E9}".utf8, to: 1)
        map.set("e\u{301}".utf8, to: 2)
        #expect("\u{E9}" == "e\u{301}")
        #expect(map.count == 2)
        #expect(map.value(for: "\u{E9}".utf8) == 1)
        #expect(map.value(for: "e\u{301}".utf8) == 2)
    }

    @Test func byteStringMapGrowsAndOverwrites() {
        var map = ByteStringMap()
        for index in 0..<10_000 { map.set(Array("token\(index)".utf8), to: index) }
        map.set("".utf8, to: -1)
        map.set("token7".utf8, to: 70)
        #expect(map.count == 10_001)
        #expect(map.value(for: "token9999".utf8) == 9999)
        #expect(map.value(for: "token7".utf8) == 70)
        #expect(map.value(for: "".utf8) == -1)
        #expect(map.value(for: "token10000".utf8) == nil)
        map.removeAll()
        #expect(map.count == 0 && map.value(for: "token1".utf8) == nil)
    }

    @Test func mergeQueueYieldsLowestRankThenLeftmost() {
        var queue = MergeQueue()
        for (rank, position) in [(5, 0), (2, 7), (2, 3), (9, 1), (2, 5)] {
            queue.push(rank: Int32(rank), position: position, merged: Int32(rank * 10 + position))
        }
        var order: [Int32] = []
        while let entry = queue.pop() { order.append(entry.merged) }
        #expect(order == [23, 25, 27, 50, 91])
    }

    /// The clusters the Precompiled normalizer cuts text into, with their ASCII shortcut, are Swift's characters.
    @Test func graphemeClustersAreSwiftsCharacters() {
        let extra = [
            "a\r\nb\r\r\n\n\r", "a\u{301}b", "\u{600}1x", "ab\u{200D}\u{1F469}c", "x\u{1F1FA}\u{1F1F8}\u{1F1FA}y",
        ]
        for text in Fixtures.unigram.corpus + extra {
            let clusters = Array(text.utf8).withUnsafeBufferPointer { bytes in
                var clusters = GraphemeClusters(bytes)
                return Array(AnyIterator { clusters.next() }).map { String(decoding: bytes[$0], as: UTF8.self) }
            }
            #expect(clusters.map(Exact.init) == text.map { Exact(String($0)) }, "\(text.debugDescription)")
        }
    }

    /// Scores as tokenizers 0.23 reads them: each pair is a score in a fixture and what tokenizers writes back after
    /// reading it (`to_str()`), which serde_json's reading has moved by one ulp from the correctly rounded value.
    @Test func scoresAreReadAsSerdeJSONReadsThem() throws {
        let pairs = [
            ("-7.3070023313800085", "-7.307002331380008"), ("-9.322778398388541", "-9.32277839838854"),
            ("-6.9395658942964324", "-6.939565894296432"), ("-7.6893885559519415", "-7.689388555951941"),
            ("-3.4591891765594482", "-3.459189176559448"),
        ]
        for (written, read) in pairs {
            #expect(SerdeFloat.parse(written) == Double(read)!, "\(written)")
            #expect(Double(written)! != Double(read)!, "\(written) is one of the values serde_json rounds otherwise")
        }
        #expect(SerdeFloat.parse("0") == 0 && SerdeFloat.parse("-2") == -2 && SerdeFloat.parse("1e2") == 100)
        #expect(SerdeFloat.parse("-1.5E-3") == -0.0015)
        #expect(SerdeFloat.parse("1e400") == nil && SerdeFloat.parse("1.") == nil && SerdeFloat.parse("x") == nil)
    }
}
