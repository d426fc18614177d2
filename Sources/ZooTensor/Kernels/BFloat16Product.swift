import CZooFloat

/// Whether this CPU multiplies bfloat16 activations with its bfloat16 dot-product instructions (AVX512_BF16, and
/// AVX-512 not capped by ZOO_SIMD). Without them, weights marked for bfloat16 activations round the activations
/// and multiply them with the float32 kernels: the same results up to summation order, no faster.
public var bfloat16DotProductsAvailable: Bool { zoo_bf16_dot_available() != 0 }

/// Several input rows against a bfloat16 weight marked for bfloat16 activations, plus `bias` (or none), into `result`
/// ([rows, outputs]): the rows rounded to bfloat16 once, then the CPU's bfloat16 dot products (`zoo_bf16_matmul`,
/// which writes the bias with its sums), both split across the cores. A CPU without them multiplies the rounded rows
/// as float32 by the ordinary kernels, which gives the same sums up to their order.
func bfloat16Product(_ x: Tensor, _ weight: Tensor, bias: Tensor?, into result: Tensor) {
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    guard bfloat16DotProductsAvailable else {
        var float32 = weight
        float32.activations = .float32
        return linear(roundedToBFloat16(x), weight: float32, bias: bias, into: result)
    }
    checkShapes(result, rows: rows, outputs: outputs, bias: bias)
    let packed = UnsafeMutablePointer<UInt16>.allocate(capacity: zoo_bf16_packed_elements(rows, inputs))
    defer { packed.deallocate() }
    Parallel.forRanges(zoo_bf16_row_blocks(rows), minimum: max(1, 16_384 / inputs)) { blocks in
        zoo_bf16_pack(x.data, rows, inputs, blocks.lowerBound, blocks.count, packed)
    }
    let w = weight.rawPointer.assumingMemoryBound(to: UInt16.self), out = result.mutableData, b = bias?.data
    // Few rows take tiles of four weight rows, streamed from memory; many take panels, each reused by every row.
    let panels = rows >= ZOO_BF16_DOT_ROWS, granularity = panels ? Int(ZOO_BF16_PANEL) : 4
    Parallel.forRanges(outputs, granularity: granularity, minimum: panels ? granularity : 64, streams: !panels) { range in
        zoo_bf16_matmul(packed, rows, inputs, w + range.lowerBound * inputs, range.count,
                        b.map { $0 + range.lowerBound }, out + range.lowerBound, outputs)
    }
}

/// `x` with every element rounded to the nearest bfloat16 (`zoo_bf16_round_one`), as float32.
func roundedToBFloat16(_ x: Tensor) -> Tensor {
    let result = Tensor(uninitialized: x.shape), bits = UnsafeMutablePointer<UInt16>.allocate(capacity: x.count)
    defer { bits.deallocate() }
    zoo_bf16_round(x.data, x.count, bits)
    zoo_widen(ZOO_WEIGHT_BF16, bits, x.count, result.mutableData)
    return result
}
