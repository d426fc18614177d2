import Foundation
import ZooTensor

/// The tensors of one memory-mapped file: where each one's data lies, and views of it. The weights file and every
/// import format share it once their own parsing has located the tensors.
struct TensorTable: Sendable {
    struct Entry: Sendable {
        let info: TensorInfo
        /// File offset of the data; 0 for tensors without elements, which have no storage in the file.
        let offset: Int
    }

    let url: URL
    let mapping: Storage
    let entries: [String: Entry]
    /// The tensor names, sorted.
    let names: [String]

    init(url: URL, mapping: Storage, entries: [String: Entry]) {
        self.url = url
        self.mapping = mapping
        self.entries = entries
        self.names = entries.keys.sorted()
    }

    func info(_ name: String) -> TensorInfo? { entries[name]?.info }

    /// The tensor `name`: a read-only view into the mapping, or a copy when its data is not aligned as its type
    /// needs (`DType.alignment`).
    func tensor(_ name: String) throws(FormatError) -> Tensor {
        guard let entry = entries[name] else { throw FormatError(path: url.path, tensor: name, "no such tensor") }
        let info = entry.info
        guard entry.offset % info.dtype.alignment != 0 else {
            return Tensor(shape: info.shape, dtype: info.dtype, storage: mapping, byteOffset: entry.offset)
        }
        let copy = Storage(byteCount: info.byteCount)
        copy.base.copyMemory(from: mapping.base + entry.offset, byteCount: info.byteCount)
        return Tensor(shape: info.shape, dtype: info.dtype, storage: copy)
    }
}

/// Refuses tensors whose data ranges (file offsets) overlap, naming the later one.
func checkNoOverlap(_ ranges: [(name: String, range: Range<Int>)], path: String) throws(FormatError) {
    // In order of start, a range overlaps an earlier one exactly when it starts before the furthest end so far.
    let sorted = ranges.filter { !$0.range.isEmpty }
        .sorted { ($0.range.lowerBound, $0.name) < ($1.range.lowerBound, $1.name) }
    var furthest: (name: String, end: Int)?
    for (name, range) in sorted {
        if let furthest, range.lowerBound < furthest.end {
            throw FormatError(path: path, tensor: name, "data overlaps tensor \(furthest.name.debugDescription)")
        }
        if range.upperBound > furthest?.end ?? 0 { furthest = (name, range.upperBound) }
    }
}
