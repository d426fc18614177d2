import CZooFloat
import Testing

/// zoo_widen, which turns float16 or bfloat16 values (embedding rows, `float32()`) into float32, is exact: every one
/// of the 65,536 bit patterns of each type (NaNs stay NaN), at every vector level this CPU runs, and at lengths that
/// leave a partial vector.
@Suite struct WidenTests {
    static let patterns = (0...UInt16.max).map { $0 }

    @Test(arguments: [ZOO_WEIGHT_F16, ZOO_WEIGHT_BF16])
    func everyBitPatternWidensExactly(type: zoo_weight_type) {
        let expected = Self.patterns.map { bits in
            type == ZOO_WEIGHT_F16 ? Float(Float16(bitPattern: bits)) : Float(bfloat16Bits: bits)
        }
        for level in FloatBatchProductTests.levels {
            for count in [Self.patterns.count, 37] {
                var out = [Float](repeating: 0, count: count)
                zoo_widen_at_level(level, type, Self.patterns, count, &out)
                let wrong = (0..<count).filter { i in
                    expected[i].isNaN ? !out[i].isNaN : out[i].bitPattern != expected[i].bitPattern
                }
                #expect(wrong.isEmpty, "level \(level), \(count) values: \(wrong.count) differ, first at \(wrong.first ?? 0)")
            }
        }
    }
}
