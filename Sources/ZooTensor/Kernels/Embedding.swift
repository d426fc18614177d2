/// Rows `ids` of an embedding table [vocabulary, width] of any type, as a new float32 [ids.count, width] tensor:
/// only those rows are decoded.
public func embeddingLookup(_ table: Tensor, ids: [Int]) -> Tensor {
    precondition(table.shape.count == 2, "embedding: table \(table.shape) is not a matrix")
    let width = table.shape[1]
    let rowBytes = table.dtype.byteCount(elements: width)
    let result = Tensor(zeros: [ids.count, width])
    for (r, id) in ids.enumerated() {
        precondition(id >= 0 && id < table.shape[0], "embedding: id \(id) out of \(table.shape[0])")
        let row = result.mutableData + r * width
        decodeElements(table.rawPointer + id * rowBytes, table.dtype, count: width, into: row)
    }
    return result
}
