/// Rows `ids` of an embedding table [vocabulary, width], as a new [ids.count, width] tensor.
public func embeddingLookup(_ table: Tensor, ids: [Int]) -> Tensor {
    let width = table.shape[1]
    let result = Tensor(zeros: [ids.count, width])
    for (r, id) in ids.enumerated() {
        precondition(id >= 0 && id < table.shape[0], "embedding: id \(id) out of \(table.shape[0])")
        (result.mutableData + r * width).update(from: table.data + id * width, count: width)
    }
    return result
}
