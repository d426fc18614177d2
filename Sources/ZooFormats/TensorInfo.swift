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
    public var byteCount: Int { dtype.byteCount(elements: count) }
}

/// Why a shape read from a file cannot be a tensor of some dtype.
struct ShapeProblem: Error, CustomStringConvertible {
    let description: String
}

/// The byte size of `shape` in `dtype`, or why there is none: a negative dimension, a product that overflows (both
/// possible in a hostile file), or, for a block type, a last dimension that is not whole blocks.
func checkedByteCount(shape: [Int], dtype: DType) -> Result<Int, ShapeProblem> {
    func problem(_ text: String) -> Result<Int, ShapeProblem> { .failure(ShapeProblem(description: text)) }
    var count = 1
    for dimension in shape {
        guard dimension >= 0 else { return problem("invalid shape \(shape): a dimension is negative") }
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        guard !overflow else { return problem("invalid shape \(shape): too large") }
        count = product
    }
    guard dtype.holds(shape: shape) else {
        return problem("shape \(shape) is not whole \(dtype.rawValue) blocks: its last dimension must be a multiple "
            + "of \(dtype.blockSize)")
    }
    let (bytes, overflow) = (count / dtype.blockSize).multipliedReportingOverflow(by: dtype.blockByteSize)
    return overflow ? problem("invalid shape \(shape): too large") : .success(bytes)
}
