/// A value a pickle builds: plain data, the few torch names a state dict refers to, and the storages and tensors
/// those names make. Lists and dicts can be changed after they are built (and reached again through the memo), so
/// they live in the `Pickle`'s tables and the value holds their index: a pickle can make them refer to themselves
/// without making a cycle here.
public enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    /// An index into `Pickle.lists` (lists and sets).
    case list(Int)
    /// An index into `Pickle.dicts` (dicts and OrderedDicts).
    case dict(Int)
    // Boxed, so that every value stays as small as a string.
    indirect case global(TorchGlobal)
    indirect case storage(TorchStorageReference)
    indirect case tensor(TorchTensorReference)

    /// What the value is, in words, for error messages.
    public var kind: String {
        switch self {
        case .none: "None"
        case .bool: "a bool"
        case .int: "an integer"
        case .float: "a float"
        case .string: "a string"
        case .bytes: "bytes"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .global(let name): name.description
        case .storage: "a storage"
        case .tensor: "a tensor"
        }
    }
}

/// A tuple, with how deeply tuples nest inside it: tuples are the only values that hold others directly, and their
/// depth is capped so that neither building nor freeing one can recurse without bound.
public struct PickleTuple: Sendable {
    public let items: [PickleValue]
    public let depth: Int

    init(_ items: [PickleValue]) {
        self.items = items
        self.depth = 1 + items.reduce(0) { deepest, item in
            if case .tuple(let inner) = item { max(deepest, inner.depth) } else { deepest }
        }
    }
}

/// The result of reading a pickle: the value it returns and the lists and dicts its values index.
public struct Pickle: Sendable {
    public let root: PickleValue
    public let lists: [[PickleValue]]
    public let dicts: [[(key: PickleValue, value: PickleValue)]]
}

/// A storage as torch.save's persistent id describes it: `("storage", <type>, key, location, element count)`.
/// Its bytes are the archive entry `data/<key>`.
public struct TorchStorageReference: Sendable, Equatable {
    public let type: TorchStorageType
    public let key: String
    /// Where the storage lived when saved ("cpu", "cuda:0"): recorded, not used.
    public let location: String
    public let count: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` rebuilds it: a view of a storage. Offset and strides count
/// elements. Only checked against the storage once the archive is at hand (`PyTorchFile`).
public struct TorchTensorReference: Sendable, Equatable {
    public let storage: TorchStorageReference
    public let offset: Int
    public let shape: [Int]
    public let strides: [Int]
}
