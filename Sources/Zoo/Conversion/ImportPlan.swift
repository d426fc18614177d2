import Foundation
import ZooFormats
import ZooModels
import ZooTensor

/// Which source tensor becomes which zoo tensor, checked in full against the architecture before any writing.
struct ImportPlan {
    struct Entry {
        let canonical: String
        let source: String
        let transform: ImportTransform
        let shape: [Int]
    }

    let checkpoint: any CheckpointSource
    let entries: [Entry]

    init(checkpoint: any CheckpointSource, architecture: any Architecture) throws {
        self.checkpoint = checkpoint
        let path = checkpoint.url.path
        let expected = architecture.tensorShapes
        var bySource: [String: Entry] = [:]
        var sourceOf: [String: String] = [:]
        for name in checkpoint.names.sorted() {
            switch architecture.importRule(forHuggingFaceName: name) {
            case .skip:
                continue
            case .unknown:
                throw ZooError(path: path, "unexpected tensor \"\(name)\": the \(type(of: architecture).modelTypes[0]) architecture has no such weight")
            case .tensor(let canonical, let transform):
                if let other = sourceOf[canonical] {
                    throw ZooError(path: path, "tensors \"\(other)\" and \"\(name)\" both map to \"\(canonical)\"")
                }
                guard let wanted = expected[canonical] else {
                    throw ZooError(path: path, "unexpected tensor \"\(name)\": this configuration has no \"\(canonical)\"")
                }
                guard var shape = checkpoint.shape(of: name) else {
                    // A tensor of a type the zoo cannot compute with: reading it gives the error naming the type.
                    _ = try checkpoint.tensor(name)
                    throw ZooError(path: path, "tensor \"\(name)\" cannot be read")
                }
                if transform == .transpose {
                    guard shape.count == 2 else {
                        throw ZooError(path: path, "tensor \"\(name)\" has shape \(shape) but must be 2-D")
                    }
                    shape.reverse()
                }
                guard shape == wanted else {
                    let stored = transform == .transpose ? Array(shape.reversed()) : shape
                    let want = transform == .transpose ? Array(wanted.reversed()) : wanted
                    throw ZooError(path: path, "tensor \"\(name)\" has shape \(stored) but the config needs \(want)")
                }
                sourceOf[canonical] = name
                bySource[name] = Entry(canonical: canonical, source: name, transform: transform, shape: shape)
            }
        }
        let missing = expected.keys.filter { sourceOf[$0] == nil }.sorted()
        if let first = missing.first {
            let more = missing.count > 1 ? " and \(missing.count - 1) more" : ""
            throw ZooError(path: path, "missing tensor for \"\(first)\"\(more) (the config needs it)")
        }
        self.entries = bySource.values.sorted { $0.canonical < $1.canonical }
    }

    /// The element type each tensor is stored in, by canonical name, and the model's `dtype` for its metadata: the
    /// block type holding most elements when some tensors keep blocks, else the float type. With a float `dtype`,
    /// every tensor is converted to it. With a block type, every matrix (two or more dimensions, the last a multiple
    /// of 32: the linear weights and the embedding tables) is quantized to it and the vectors (norms, biases) are
    /// stored in float32, as llama.cpp's quantizer does. Without, a quantized tensor keeps its blocks and the others
    /// take the float type they share, float32 when they mix types.
    func storedTypes(converting dtype: DType?) -> (types: [String: DType], predominant: DType) {
        let sourceTypes = entries.map { (entry: $0, type: checkpoint.dtype(of: $0.source) ?? .float32) }
        let floatTypes = Set(sourceTypes.map(\.type).filter { !$0.isQuantized })
        let floatType = floatTypes.count == 1 ? floatTypes.first! : .float32
        var types: [String: DType] = [:]
        var blockElements: [DType: Int] = [:]
        for (entry, type) in sourceTypes {
            let stored = dtype.map { $0.isQuantized && !Self.quantizes(entry.shape, to: $0) ? .float32 : $0 }
                ?? (type.isQuantized && entry.transform == .none ? type : floatType)
            types[entry.canonical] = stored
            if stored.isQuantized { blockElements[stored, default: 0] += entry.shape.reduce(1, *) }
        }
        let predominant = blockElements.max { $0.value != $1.value ? $0.value < $1.value : $0.key.rawValue > $1.key.rawValue }
        return (types, predominant?.key ?? dtype ?? floatType)
    }

    /// Whether a conversion to the block type `type` quantizes a tensor of `shape`: matrices whose rows are whole
    /// blocks.
    static func quantizes(_ shape: [Int], to type: DType) -> Bool { shape.count >= 2 && type.holds(shape: shape) }

    /// Writes every tensor, in canonical-name order, in its type of `types`.
    func write(to url: URL, types: [String: DType], progress: (Int, Int) throws -> Void) throws {
        let writer = try ZooWeightsWriter(creating: url)
        let total = entries.reduce(0) { $0 + types[$1.canonical]!.byteCount(elements: $1.shape.reduce(1, *)) }
        var done = 0
        try progress(0, total)
        for entry in entries {
            var tensor = try checkpoint.tensor(entry.source)
            if entry.transform == .transpose { tensor = transposed(tensor.float32()) }
            let stored = tensor.converted(to: types[entry.canonical]!)
            try writer.write(entry.canonical, stored)
            done += stored.byteCount
            try progress(done, total)
        }
        try writer.close()
    }

    /// Writes every tensor converted to `dtype`.
    func write(to url: URL, dtype: DType, progress: (Int, Int) throws -> Void) throws {
        try write(to: url, types: storedTypes(converting: dtype).types, progress: progress)
    }
}
