/// A dense row-major tensor: a shape, an element type and a view into a `Storage`. A tensor of a block type
/// (`DType.quantized`) has its logical shape; its bytes are the blocks, 32 consecutive elements of the last
/// dimension each, row after row.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let storage: Storage
    public let byteOffset: Int
    /// What the products of this weight matrix make of their input rows; set when a model is loaded with reduced
    /// activations. Views made from the tensor do not carry it.
    public var activations = ActivationPrecision.float32

    public init(shape: [Int], dtype: DType, storage: Storage, byteOffset: Int = 0) {
        precondition(dtype.holds(shape: shape),
                     "shape \(shape) is not whole \(dtype.rawValue) blocks along its last dimension")
        precondition(byteOffset + dtype.byteCount(elements: shape.reduce(1, *)) <= storage.byteCount,
                     "tensor view past its storage")
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.byteOffset = byteOffset
    }

    /// A new zero-filled float32 tensor.
    public init(zeros shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, dtype: .float32, storage: Storage(byteCount: count * 4))
    }

    /// A new float32 tensor whose every element the caller writes before reading any.
    init(uninitialized shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, dtype: .float32, storage: Storage(byteCount: count * 4, zeroed: false))
    }

    /// A new float32 tensor holding `values`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { source in
            mutableData.update(from: source.baseAddress!, count: values.count)
        }
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { dtype.byteCount(elements: count) }
    public var rawPointer: UnsafeRawPointer { UnsafeRawPointer(storage.base + byteOffset) }

    /// The float32 elements. Only for float32 tensors.
    public var data: UnsafePointer<Float> {
        precondition(dtype == .float32, "float32 access to a \(dtype.rawValue) tensor")
        return rawPointer.assumingMemoryBound(to: Float.self)
    }

    /// The float32 elements, writable. Only for float32 tensors in writable storage.
    public var mutableData: UnsafeMutablePointer<Float> {
        precondition(dtype == .float32 && storage.isWritable, "write access to a read-only or non-float32 tensor")
        return (storage.base + byteOffset).assumingMemoryBound(to: Float.self)
    }

    /// The same elements under another shape with the same count (for a block type, one whose last dimension is
    /// still whole blocks).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, dtype: dtype, storage: storage, byteOffset: byteOffset)
    }

    /// Row `index` of the first dimension, as a view.
    public func row(_ index: Int) -> Tensor {
        precondition(index >= 0 && index < shape[0], "row \(index) out of \(shape[0])")
        let rowShape = Array(shape.dropFirst())
        let rowBytes = dtype.byteCount(elements: rowShape.reduce(1, *))
        return Tensor(shape: rowShape, dtype: dtype, storage: storage, byteOffset: byteOffset + index * rowBytes)
    }

    /// Rows `indices` of the first dimension, in that order, as a new tensor of the same type: the bytes are copied,
    /// never decoded, so blocks stay as they are (this is how a converter permutes the rows of a quantized matrix).
    public func rows(_ indices: [Int]) -> Tensor {
        precondition(!shape.isEmpty, "rows of a scalar")
        let rowBytes = dtype.byteCount(elements: shape.dropFirst().reduce(1, *))
        let result = Tensor(shape: [indices.count] + shape.dropFirst(), dtype: dtype,
                            storage: Storage(byteCount: indices.count * rowBytes))
        for (target, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[0], "row \(index) out of \(shape[0])")
            let source = rawPointer + index * rowBytes
            (result.storage.base + target * rowBytes).copyMemory(from: source, byteCount: rowBytes)
        }
        return result
    }

    /// The elements as float32 values.
    public func toArray() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            decodeElements(rawPointer, dtype, count: count, into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// This tensor in float32: itself when it already is, otherwise a converted (for block types, dequantized) copy.
    public func float32() -> Tensor {
        if dtype == .float32 { return self }
        let result = Tensor(zeros: shape)
        decodeElements(rawPointer, dtype, count: count, into: result.mutableData)
        return result
    }

    /// This tensor converted to `target`: float types round to nearest even as PyTorch does; block types
    /// quantize as GGML does (the shape's last dimension must then be a multiple of 32, see `DType.holds(shape:)`).
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        let source = float32()
        let result = Tensor(shape: shape, dtype: target, storage: Storage(byteCount: target.byteCount(elements: count)))
        encodeElements(source.data, count: count, as: target, into: result.storage.base)
        return result
    }
}

/// The precision a weight matrix's products give their input rows (float32 unless a model is loaded otherwise).
public enum ActivationPrecision: Sendable {
    case float32
    /// For a block-type matrix: one-row products quantize the input row to int8 per 32 values and take integer
    /// block dot products (llama.cpp's arithmetic).
    case int8
    /// For a bfloat16 matrix: products of several input rows round them to bfloat16 and take the CPU's bfloat16
    /// dot products (`bfloat16Product`).
    case bfloat16
}
