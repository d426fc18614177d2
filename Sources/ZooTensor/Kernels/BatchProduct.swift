import CZooFloat

/// Float32 elements of weight in a part of `batchProduct`: 64 rows of 768, 192 KB, which stay in the second-level
/// cache while every input row passes over them.
private let elementsPerPart = 48 * 1024

/// Input rows up to which a float32 weight runs `batchProduct` rather than BLAS's matrix product, which copies the
/// whole weight into its own layout on every call while the small-batch product reads it in place. A GPT-2 prompt of
/// 32 tokens took 44 ms instead of 56, T5-small's encoder over 32 tokens and first output token 16.0 ms instead of
/// 19.2, BERT-base over 64 tokens 84–100 ms instead of 96; at 128 rows the two ran even, and on 1,024 rows BLAS was
/// 5% faster at BERT-base's shapes.
let passedRows = 8 * smallBatchRows

/// out[r, o] = bias[o] + Σᵢ x[r, i]·weight[o, i] (no bias: 0) for more input rows than one pass of the small-batch
/// product takes (a prompt), with a weight [outputs, inputs] of any dtype. Parts of a few weight rows, split across the
/// cores, stay in the second-level cache while every input row passes over them, `smallBatchRows` at a time, in the
/// small-batch product: each weight is read once, in place for float32, and otherwise decoded once into a float32
/// buffer. A 128-token GPT-2 prompt with Q8_0 weights took 170 ms, against 320 ms for tiles decoded by one thread and
/// multiplied by BLAS; with float16 weights, 170 ms against 222 ms for passes that each read the weight.
func batchProduct(_ x: UnsafePointer<Float>, rows: Int, _ weight: Tensor, bias: UnsafePointer<Float>?,
                  _ out: UnsafeMutablePointer<Float>) {
    let outputs = weight.shape[0], inputs = weight.shape[1]
    let rowBytes = weight.dtype.byteCount(elements: inputs)
    let passes = stride(from: 0, to: rows, by: smallBatchRows).map { (first: $0, count: min(smallBatchRows, rows - $0)) }
    let packedFloats = zoo_matmul_packed_floats(smallBatchRows, inputs)
    let packed = zoo_matmul_packs(inputs) != 0
        ? UnsafeMutablePointer<Float>.allocate(capacity: packedFloats * passes.count) : nil
    defer { packed?.deallocate() }
    if let packed {
        for (p, pass) in passes.enumerated() {
            zoo_matmul_pack(x + pass.first * inputs, pass.count, inputs, packed + p * packedFloats)
        }
    }
    let partRows = max(4, elementsPerPart / max(inputs, 1) / 4 * 4)
    Parallel.forEach(parts: (outputs + partRows - 1) / partRows) { part in
        let firstRow = part * partRows, count = min(partRows, outputs - firstRow)
        let source = weight.rawPointer + firstRow * rowBytes
        let decoded = weight.dtype == .float32 ? nil : UnsafeMutablePointer<Float>.allocate(capacity: count * inputs)
        defer { decoded?.deallocate() }
        if let decoded { decodeElements(source, weight.dtype, count: count * inputs, into: decoded) }
        let rowsOfPart = decoded.map { UnsafePointer($0) } ?? source.assumingMemoryBound(to: Float.self)
        for (p, pass) in passes.enumerated() {
            zoo_matmul_packed(ZOO_WEIGHT_F32, rowsOfPart, inputs, packed.map { $0 + p * packedFloats },
                              x + pass.first * inputs, pass.count, inputs, bias.map { $0 + firstRow },
                              out + pass.first * outputs + firstRow, outputs, count)
        }
    }
}
