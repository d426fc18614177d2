import CZooHDF5
import ZooTensor

// A block-type tensor is a one-dimensional dataset of its bytes; these attributes give what the bytes mean
// (Formats/zoo-checkpoint-v1.md, section 3.4).

/// The logical shape of a block-type dataset, after checking its block size.
func readBlockShape(_ dataset: hid_t, _ dtype: DType, _ context: ErrorContext) throws(FormatError) -> [Int] {
    let sizeKey = ZooCheckpointLayout.blockSizeAttribute, shapeKey = ZooCheckpointLayout.shapeAttribute
    guard let blockSize = try readIntegerAttribute(dataset, sizeKey, context) else {
        throw context.error("missing attribute \(sizeKey)")
    }
    guard blockSize == Int64(dtype.blockSize) else {
        throw context.error("\(sizeKey) is \(blockSize): \(dtype.rawValue) blocks hold \(dtype.blockSize) elements")
    }
    guard let shape = try readIntegerArrayAttribute(dataset, shapeKey, maximumCount: ZooCheckpointLayout.maximumRank,
                                                    context) else {
        throw context.error("missing attribute \(shapeKey)")
    }
    guard shape.allSatisfy({ $0 >= 0 }) else { throw context.error("\(shapeKey) \(shape) has a negative dimension") }
    return shape.map { Int($0) }
}

/// Writes the attributes that make a byte dataset a block-type tensor of `shape`.
func writeBlockAttributes(_ dataset: hid_t, _ dtype: DType, shape: [Int], _ context: ErrorContext) throws(FormatError) {
    try writeIntegerAttribute(dataset, ZooCheckpointLayout.blockSizeAttribute, Int64(dtype.blockSize), context)
    try writeIntegerArrayAttribute(dataset, ZooCheckpointLayout.shapeAttribute, shape.map { Int64($0) }, context)
}
