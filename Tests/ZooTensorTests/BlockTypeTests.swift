import Testing
import ZooTensor

/// A tensor of `type` from raw bytes.
func blockTensor(_ shape: [Int], _ type: DType, _ bytes: [UInt8]) -> Tensor {
    let storage = Storage(byteCount: bytes.count)
    storage.base.copyMemory(from: bytes, byteCount: bytes.count)
    return Tensor(shape: shape, dtype: type, storage: storage)
}

func halfBytes(_ value: Float16) -> [UInt8] { [UInt8(value.bitPattern & 0xFF), UInt8(value.bitPattern >> 8)] }

func rawBytes(_ tensor: Tensor) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: tensor.rawPointer, count: tensor.byteCount))
}

@Suite struct BlockTypeTests {
    @Test func sizesAndShapes() {
        #expect(DType.quantized.map(\.blockByteSize) == [34, 18, 20])
        #expect(DType.quantized.allSatisfy { $0.blockSize == 32 && $0.isQuantized && $0.alignment == 2 })
        #expect(DType.floatingPoint.allSatisfy { $0.blockSize == 1 && !$0.isQuantized && $0.holds(shape: []) })
        #expect(DType.q4_1.byteCount(elements: 3 * 64) == 6 * 20)
        #expect(DType.q8_0.holds(shape: [3, 64]) && DType.q8_0.holds(shape: [0, 32]))
        #expect(!DType.q8_0.holds(shape: [64, 3]) && !DType.q8_0.holds(shape: []))
        #expect(DType(name: "q8_0") == nil && DType(rawValue: "q8_0") == .q8_0)
    }

    /// Blocks built by hand from the layouts (d, m little-endian float16 first, then the quants).
    @Test func blocksDecodeAsTheirLayoutsSay() {
        let q8: [Int8] = (0..<32).map { Int8($0 * 8 - 128) }
        let q8Block = halfBytes(0.5) + q8.map { UInt8(bitPattern: $0) }
        #expect(blockTensor([32], .q8_0, q8Block).toArray() == q8.map { Float($0) * 0.5 })

        // Byte i holds element i in its low nibble (i) and element 16 + i in its high nibble (15 − i).
        let nibbles = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let quants = (0..<16).map { Float($0) } + (0..<16).map { Float(15 - $0) }
        #expect(blockTensor([32], .q4_0, halfBytes(2) + nibbles).toArray() == quants.map { ($0 - 8) * 2 })
        let q4_1 = blockTensor([32], .q4_1, halfBytes(0.25) + halfBytes(-1) + nibbles)
        #expect(q4_1.toArray() == quants.map { $0 * 0.25 - 1 })
    }

    @Test(arguments: DType.quantized)
    func quantizingStaysWithinHalfAStepOfEachBlock(type: DType) {
        let input = values(4 * 96, seed: 11).map { $0 * 3 }
        let quantized = Tensor(shape: [4, 96], values: input).converted(to: type)
        #expect(quantized.dtype == type && quantized.shape == [4, 96] && quantized.byteCount == 12 * type.blockByteSize)
        let output = quantized.toArray()
        for block in 0..<12 {
            let x = input[(32 * block)..<(32 * block + 32)]
            let range = x.max()! - x.min()!, magnitude = x.map(abs).max()!
            // Half a step, except q4_0's: its scale maps the extreme value to −8, so the opposite extreme, +8,
            // is clipped to 7, a whole step away.
            let bound = switch type {
            case .q8_0: 0.51 * magnitude / 127
            case .q4_0: 1.01 * magnitude / 8
            default: 0.51 * range / 15
            }
            for i in x.indices { #expect(abs(output[i] - input[i]) <= bound + magnitude / 1024, "\(type) \(i)") }
        }
        // Re-quantizing what was decoded is stable, and every conversion goes through float32.
        #expect(quantized.float32().converted(to: .float16).toArray() == quantized.converted(to: .float16).toArray())
    }

    @Test func rowsAndViewsKeepBlocksAsTheyAre() {
        let table = Tensor(shape: [5, 64], values: values(5 * 64, seed: 3)).converted(to: .q4_1)
        let picked = table.rows([4, 0, 4])
        #expect(picked.shape == [3, 64] && picked.dtype == .q4_1)
        let rowBytes = 2 * 20, all = rawBytes(table)
        let row4 = all[(4 * rowBytes)..<(5 * rowBytes)], row0 = all[0..<rowBytes]
        #expect(rawBytes(picked) == Array(row4 + row0 + row4))
        #expect(table.row(2).toArray() == Array(table.toArray()[128..<192]))
        #expect(table.reshaped([10, 32]).toArray() == table.toArray())
    }

    @Test(arguments: DType.quantized + [.float16, .bfloat16])
    func embeddingLookupDecodesTheRowsAsked(type: DType) {
        let table = Tensor(shape: [10, 64], values: values(640, seed: 5)).converted(to: type)
        let ids = [3, 0, 9, 3]
        let expected = ids.flatMap { table.float32().row($0).toArray() }
        #expect(embeddingLookup(table, ids: ids).toArray() == expected)
    }
}

/// Every float16 bit pattern widens to the float32 the hardware conversion gives (NaNs to a NaN).
@Test func float16WideningIsExactForEveryBitPattern() {
    let storage = Storage(byteCount: 2 * 65536)
    for bits in 0..<65536 { storage.base.storeBytes(of: UInt16(bits), toByteOffset: 2 * bits, as: UInt16.self) }
    let widened = Tensor(shape: [65536], dtype: .float16, storage: storage).toArray()
    for bits in 0..<65536 {
        let expected = Float(Float16(bitPattern: UInt16(bits)))
        #expect(expected.isNaN ? widened[bits].isNaN : widened[bits].bitPattern == expected.bitPattern, "\(bits)")
    }
}
