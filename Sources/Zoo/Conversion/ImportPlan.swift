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
                var shape = checkpoint.shape(of: name) ?? []
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

    /// The one element type of all source tensors, if they share one.
    var commonSourceDType: DType? {
        let types = Set(entries.compactMap { checkpoint.dtype(of: $0.source) })
        return types.count == 1 ? types.first : nil
    }

    var totalBytes: Int { entries.reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// Writes every tensor, in canonical-name order, converted to `dtype`.
    func write(to url: URL, dtype: DType, progress: (Int, Int) throws -> Void) throws {
        let writer = try ZooWeightsWriter(creating: url)
        let total = totalBytes * dtype.byteSize
        var done = 0
        try progress(0, total)
        for entry in entries {
            var tensor = try checkpoint.tensor(entry.source)
            if entry.transform == .transpose { tensor = transposed(tensor.float32()) }
            let stored = tensor.converted(to: dtype)
            try writer.write(entry.canonical, stored)
            done += stored.byteCount
            try progress(done, total)
        }
        try writer.close()
    }
}
