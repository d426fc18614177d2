import ZooTensor

/// What a checkpoint says about one tensor, known without touching its data.
public struct TensorInfo: Sendable, Equatable {
    public let shape: [Int]
    public let dtype: DType

    public init(shape: [Int], dtype: DType) {
        self.shape = shape
        self.dtype = dtype
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { count * dtype.byteSize }
}

/// The element count and byte size of `shape` in `dtype`, or nil when a dimension is negative or the product
/// overflows — both possible in a hostile file.
func checkedByteCount(shape: [Int], dtype: DType) -> (count: Int, bytes: Int)? {
    var count = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        guard !overflow else { return nil }
        count = product
    }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
    return overflow ? nil : (count, bytes)
}
