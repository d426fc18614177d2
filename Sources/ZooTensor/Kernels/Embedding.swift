/// Rows `ids` of an embedding table [vocabulary, width] of any type, as a new float32 [ids.count, width] tensor:
/// only those rows are decoded.
public func embeddingLookup(_ table: Tensor, ids: [Int]) -> Tensor {
    precondition(table.shape.count == 2, "embedding: table \(table.shape) is not a matrix")
    let result = Tensor(uninitialized: [ids.count, table.shape[1]])
    lookUp(table, ids, into: result)
    return result
}

/// `embeddingLookup(table, ids:)` written into `out` ([ids.count, width]).
public func embeddingLookup(_ table: Tensor, ids: [Int], into out: Tensor) {
    lookUp(table, ids, into: out)
}

/// The rows of consecutive ids (positions) written into `out` ([ids.count, width]).
public func embeddingLookup(_ table: Tensor, ids: Range<Int>, into out: Tensor) {
    lookUp(table, ids, into: out)
}

/// Generic inside the module only, where it is specialized: a generic public function would run unspecialized
/// from other modules, and its iterator would allocate.
private func lookUp(_ table: Tensor, _ ids: some Collection<Int>, into out: Tensor) {
    precondition(table.shape.count == 2, "embedding: table \(table.shape) is not a matrix")
    let width = table.shape[1]
    precondition(out.count == ids.count * width, "embedding: output \(out.shape) does not hold \(ids.count) rows")
    let rowBytes = table.dtype.byteCount(elements: width)
    for (r, id) in ids.enumerated() {
        precondition(id >= 0 && id < table.shape[0], "embedding: id \(id) out of \(table.shape[0])")
        decodeElements(table.rawPointer + id * rowBytes, table.dtype, count: width, into: out.mutableData + r * width)
    }
}
