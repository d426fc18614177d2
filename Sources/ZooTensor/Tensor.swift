/// A dense row-major tensor: a shape, an element type and a view into a `Storage`.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let storage: Storage
    public let byteOffset: Int

    public init(shape: [Int], dtype: DType, storage: Storage, byteOffset: Int = 0) {
        precondition(byteOffset + shape.reduce(1, *) * dtype.byteSize <= storage.byteCount, "tensor view past its storage")
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

    /// A new float32 tensor holding `values`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { source in
            mutableData.update(from: source.baseAddress!, count: values.count)
        }
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { count * dtype.byteSize }
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

    /// The same elements under another shape with the same count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, dtype: dtype, storage: storage, byteOffset: byteOffset)
    }

    /// Row `index` of the first dimension, as a view.
    public func row(_ index: Int) -> Tensor {
        precondition(index >= 0 && index < shape[0], "row \(index) out of \(shape[0])")
        let rowShape = Array(shape.dropFirst())
        let rowBytes = rowShape.reduce(1, *) * dtype.byteSize
        return Tensor(shape: rowShape, dtype: dtype, storage: storage, byteOffset: byteOffset + index * rowBytes)
    }

    /// The elements as float32 values.
    public func toArray() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            convertElements(to: buffer.baseAddress!)
            initialized = count
        }
    }

    /// This tensor in float32: itself when it already is, otherwise a converted copy.
    public func float32() -> Tensor {
        if dtype == .float32 { return self }
        let result = Tensor(zeros: shape)
        convertElements(to: result.mutableData)
        return result
    }

    /// This tensor converted to `target`, rounding to nearest even as PyTorch does.
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        let source = float32()
        let result = Tensor(shape: shape, dtype: target, storage: Storage(byteCount: count * target.byteSize))
        let input = source.data
        switch target {
        case .float32:
            break
        case .float16:
            let out = result.storage.base.assumingMemoryBound(to: Float16.self)
            for i in 0..<count { out[i] = Float16(input[i]) }
        case .bfloat16:
            let out = result.storage.base.assumingMemoryBound(to: UInt16.self)
            for i in 0..<count { out[i] = input[i].bfloat16Bits }
        }
        return result
    }

    private func convertElements(to out: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .float32:
            out.update(from: data, count: count)
        case .float16:
            let input = rawPointer.assumingMemoryBound(to: Float16.self)
            for i in 0..<count { out[i] = Float(input[i]) }
        case .bfloat16:
            let input = rawPointer.assumingMemoryBound(to: UInt16.self)
            for i in 0..<count { out[i] = Float(bfloat16Bits: input[i]) }
        }
    }
}
