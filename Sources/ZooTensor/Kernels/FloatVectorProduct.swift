import CZooFloat

/// Weight elements of the shortest part of a matrix-vector product split across the cores: 64 KB of float32 weight,
/// long enough to hide the hand-over.
private let elementsPerPart = 16_384

/// The fewest weight rows of `inputs` elements a core takes in the products of this file.
private func minimumRows(inputs: Int) -> Int { max(4, elementsPerPart / max(inputs, 1)) }

/// One input row against weight rows stored as float32, float16 or bfloat16, adding to `out` (which holds the bias
/// or zeros): the decode-time product. The SIMD kernels of CZooFloat read each weight once in its stored type (a
/// 16-bit weight is never expanded in memory), with the rows split across the cores.
func floatVectorProduct(_ x: UnsafePointer<Float>, _ weight: Tensor, _ out: UnsafeMutablePointer<Float>) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let loop = FloatVectorRows(x: x, w: weight.rawPointer, dtype: weight.dtype, inputs: inputs, out: out)
    Parallel.forRanges(outputs, granularity: 4, minimum: minimumRows(inputs: inputs), streams: true, loop)
}

/// A range of the weight rows of `floatVectorProduct`.
private struct FloatVectorRows: RangeLoop {
    let x: UnsafePointer<Float>, w: UnsafeRawPointer, dtype: DType, inputs: Int, out: UnsafeMutablePointer<Float>

    func callAsFunction(_ rows: Range<Int>) {
        let first = rows.lowerBound, count = rows.count
        switch dtype {
        case .float32:
            zoo_matvec_f32(w.assumingMemoryBound(to: Float.self) + first * inputs, inputs, x, inputs, out + first, count)
        case .float16:
            zoo_matvec_f16(w.assumingMemoryBound(to: UInt16.self) + first * inputs, inputs, x, inputs, out + first, count)
        case .bfloat16:
            zoo_matvec_bf16(w.assumingMemoryBound(to: UInt16.self) + first * inputs, inputs, x, inputs, out + first,
                            count)
        case .q8_0, .q4_0, .q4_1:
            preconditionFailure("floatVectorProduct: \(dtype) is a block type")
        }
    }
}

/// Input rows up to which `linear` runs `floatBatchProduct` rather than a BLAS matrix product.
let smallBatchRows = Int(ZOO_MATMUL_BATCH)

/// A few input rows (2 to `smallBatchRows`) against float weight rows plus `bias` (or none), into `out` ([rows,
/// outputs]). The kernel reads each weight row once, in its stored type, and dots it with every input row while
/// it sits in the first-level cache, the weight rows split across the cores: a BERT-base forward pass of 16 tokens
/// ran in 42 ms against 48 ms through BLAS's matrix product (and 16-bit weights need no decoded copy).
func floatBatchProduct(_ x: UnsafePointer<Float>, rows: Int, _ weight: Tensor, bias: UnsafePointer<Float>?,
                       _ out: UnsafeMutablePointer<Float>) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let type: zoo_weight_type = switch weight.dtype {
    case .float32: ZOO_WEIGHT_F32
    case .float16: ZOO_WEIGHT_F16
    case .bfloat16: ZOO_WEIGHT_BF16
    case .q8_0, .q4_0, .q4_1: preconditionFailure("floatBatchProduct: \(weight.dtype) is a block type")
    }
    let rowBytes = weight.dtype.byteCount(elements: inputs)
    // The input rows, when packed, are packed once, for every part.
    let packed = zoo_matmul_packs(inputs) != 0
        ? UnsafeMutablePointer<Float>.allocate(capacity: zoo_matmul_packed_floats(rows, inputs)) : nil
    defer { packed?.deallocate() }
    if let packed { zoo_matmul_pack(x, rows, inputs, packed) }
    Parallel.forRanges(outputs, granularity: 4, minimum: minimumRows(inputs: inputs), streams: true) { range in
        zoo_matmul_packed(type, weight.rawPointer + range.lowerBound * rowBytes, inputs, packed, x, rows, inputs,
                          bias.map { $0 + range.lowerBound }, out + range.lowerBound, outputs, range.count)
    }
}
