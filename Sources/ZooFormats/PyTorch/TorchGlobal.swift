import ZooTensor

/// The only names a checkpoint's pickle may refer to: what `torch.save(model.state_dict())` writes. Any other
/// GLOBAL is refused where it is read, before the pickle goes on. Nothing is ever called: each name stands for a
/// fixed way of building plain data.
public enum TorchGlobal: Sendable, Equatable, CustomStringConvertible {
    /// `collections.OrderedDict`: called with no arguments, an empty dict.
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    case rebuildTensorV2
    /// `torch._utils._rebuild_tensor(storage, offset, size, stride)`, what torch wrote before v2.
    case rebuildTensor
    /// `torch._utils._rebuild_parameter(tensor, requires_grad, hooks)`: the tensor.
    case rebuildParameter
    /// `torch._utils._rebuild_parameter_with_state(tensor, requires_grad, hooks, state)`: the tensor.
    case rebuildParameterWithState
    /// `torch.FloatStorage` and the other typed storages, as the type in a storage's persistent id.
    case storageType(TorchStorageType)
    /// `torch.float32`, `torch.float16`, `torch.bfloat16`: dtype objects, kept as values.
    case dtype(DType)

    /// The global `module.name` stands for, or nil when it is not one a checkpoint may use.
    public init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", "float32"): self = .dtype(.float32)
        case ("torch", "float16"): self = .dtype(.float16)
        case ("torch", "bfloat16"): self = .dtype(.bfloat16)
        case ("torch", _):
            guard let type = TorchStorageType(className: name) else { return nil }
            self = .storageType(type)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildTensor: "torch._utils._rebuild_tensor"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: "torch._utils._rebuild_parameter_with_state"
        case .storageType(let type): "torch.\(type.className)"
        case .dtype(let type): "torch.\(type.rawValue)"
        }
    }
}

/// The typed storages of torch (`torch.FloatStorage`, ...), named by torch.save in every storage's persistent id.
/// The zoo reads the float ones; the others (integer buffers such as BERT's `position_ids`) are known, checked and
/// listed so that a converter can skip them.
public struct TorchStorageType: Sendable, Equatable {
    /// `FloatStorage`, `LongStorage`, ...
    public let className: String
    /// torch's name of the element type: float32, int64, ...
    public let elementName: String
    public let elementSize: Int
    /// The zoo's type for the elements, when the zoo computes with them.
    public let dtype: DType?

    private static let all: [TorchStorageType] = [
        .init(className: "FloatStorage", elementName: "float32", elementSize: 4, dtype: .float32),
        .init(className: "HalfStorage", elementName: "float16", elementSize: 2, dtype: .float16),
        .init(className: "BFloat16Storage", elementName: "bfloat16", elementSize: 2, dtype: .bfloat16),
        .init(className: "DoubleStorage", elementName: "float64", elementSize: 8, dtype: nil),
        .init(className: "LongStorage", elementName: "int64", elementSize: 8, dtype: nil),
        .init(className: "IntStorage", elementName: "int32", elementSize: 4, dtype: nil),
        .init(className: "ShortStorage", elementName: "int16", elementSize: 2, dtype: nil),
        .init(className: "CharStorage", elementName: "int8", elementSize: 1, dtype: nil),
        .init(className: "ByteStorage", elementName: "uint8", elementSize: 1, dtype: nil),
        .init(className: "BoolStorage", elementName: "bool", elementSize: 1, dtype: nil),
        .init(className: "ComplexFloatStorage", elementName: "complex64", elementSize: 8, dtype: nil),
        .init(className: "ComplexDoubleStorage", elementName: "complex128", elementSize: 16, dtype: nil),
    ]

    init(className: String, elementName: String, elementSize: Int, dtype: DType?) {
        self.className = className
        self.elementName = elementName
        self.elementSize = elementSize
        self.dtype = dtype
    }

    init?(className: String) {
        guard let type = Self.all.first(where: { $0.className == className }) else { return nil }
        self = type
    }
}
