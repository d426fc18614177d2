import CZooFloat

/// Weight elements per part of a matrix-vector product split across the cores: at least 64 KB of float32 weight,
/// so that a part is long enough to hide the hand-over and short enough to balance the cores.
private let elementsPerPart = 16_384

/// One input row against weight rows stored as float32, float16 or bfloat16, adding to `out` (which holds the bias
/// or zeros): the decode-time product. The SIMD kernels of CZooFloat read each weight once in its stored type (a
/// 16-bit weight is never expanded in memory), with the rows split across the cores.
func floatVectorProduct(_ x: UnsafePointer<Float>, _ weight: Tensor, _ out: UnsafeMutablePointer<Float>) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let w = weight.rawPointer
    Parallel.forRanges(outputs, granularity: 4, minimum: max(4, elementsPerPart / max(inputs, 1))) { rows in
        let first = rows.lowerBound, count = rows.count
        switch weight.dtype {
        case .float32:
            zoo_matvec_f32(w.assumingMemoryBound(to: Float.self) + first * inputs, inputs, x, inputs, out + first, count)
        case .float16:
            zoo_matvec_f16(w.assumingMemoryBound(to: UInt16.self) + first * inputs, inputs, x, inputs, out + first, count)
        case .bfloat16:
            zoo_matvec_bf16(w.assumingMemoryBound(to: UInt16.self) + first * inputs, inputs, x, inputs, out + first,
                            count)
        case .q8_0, .q4_0, .q4_1:
            preconditionFailure("floatVectorProduct: \(weight.dtype) is a block type")
        }
    }
}
