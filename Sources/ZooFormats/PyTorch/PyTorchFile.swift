import Foundation
import Synchronization
import ZooTensor

/// A PyTorch checkpoint as torch.save writes it since PyTorch 1.6 (a Hugging Face `pytorch_model.bin`): a zip
/// archive holding `<top>/data.pkl`, the pickled state dict, `<top>/byteorder` and one entry `<top>/data/<key>`
/// per storage. The pickle is read by `PickleReader`, which runs nothing and accepts only tensor-building names;
/// every tensor is then checked against its storage. The file is mapped once: a contiguous tensor is a view of
/// its storage's bytes, so storages shared by several tensors (tied weights, views) are never copied; a strided
/// view is copied element by element. Each storage's CRC-32 is checked the first time a tensor reads it.
public final class PyTorchFile: Sendable {
    /// The tensor names, sorted, of every dtype.
    public let names: [String]
    /// The file's path, as errors name it.
    public let path: String
    private let mapping: Storage
    private let tensors: [String: Located]
    private let isBigEndian: Bool
    /// The storage entries whose CRC-32 has been checked.
    private let checked = Mutex<Set<String>>([])

    /// The most elements a tensor may have beyond its storage's: a view with zero strides (an expanded tensor)
    /// repeats elements, and reading one copies every repeat.
    public static let maximumRepeatingViewCount = 1 << 24

    private struct Located: Sendable {
        let reference: TorchTensorReference
        let entry: ZipArchive.Entry
    }

    public convenience init(contentsOf url: URL) throws(FormatError) {
        try self.init(mapping: try mapRegularFile(url), path: url.path)
    }

    /// Reads a checkpoint held in memory (for tests and fuzzing); `path` names it in errors.
    public convenience init(bytes: [UInt8], path: String) throws(FormatError) {
        let storage = Storage(byteCount: bytes.count)
        if !bytes.isEmpty { bytes.withUnsafeBytes { storage.base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        try self.init(mapping: storage, path: path)
    }

    private init(mapping: Storage, path: String) throws(FormatError) {
        let bytes = UnsafeRawBufferPointer(start: mapping.base, count: mapping.byteCount)
        try Self.checkIsZipArchive(bytes, path: path)
        let archive = try ZipArchive(bytes: bytes, path: path)
        let top = try Self.topFolder(of: archive, path: path)
        func entry(_ name: String) -> ZipArchive.Entry? { archive.entry("\(top)/\(name)") }

        let byteOrder = try entry("byteorder").map { entry throws(FormatError) in
            try Self.checkCRC(entry, in: bytes, path: path)
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[entry.range]), as: UTF8.self)
        }
        guard byteOrder == nil || byteOrder == "little" || byteOrder == "big" else {
            throw FormatError(path: path, "\(top)/byteorder says \(byteOrder!.debugDescription), not \"little\" or \"big\"")
        }
        let pickleEntry = entry("data.pkl")!
        try Self.checkCRC(pickleEntry, in: bytes, path: path)
        let pickle = try PickleReader.read(UnsafeRawBufferPointer(rebasing: bytes[pickleEntry.range]), path: path,
                                           label: pickleEntry.name)

        var tensors: [String: Located] = [:]
        var storageTypes: [String: TorchStorageType] = [:]
        for (key, value) in try Self.stateDict(pickle, path: path) {
            guard case .tensor(let reference) = value else {
                throw FormatError(path: path, "state dict entry \(key.debugDescription) is \(value.kind), not a tensor")
            }
            guard tensors[key] == nil else { throw FormatError(path: path, tensor: key, "appears twice in the state dict") }
            let storage = reference.storage
            if let type = storageTypes[storage.key], type != storage.type {
                throw FormatError(path: path, tensor: key,
                                  "storage \(storage.key) is read both as \(type.elementName) and as \(storage.type.elementName)")
            }
            storageTypes[storage.key] = storage.type
            guard let data = entry("data/\(storage.key)") else {
                throw FormatError(path: path, tensor: key, "its storage \(top)/data/\(storage.key) is missing from the archive")
            }
            try Self.checkView(reference, storageBytes: data.size, path: path, tensor: key)
            tensors[key] = Located(reference: reference, entry: data)
        }
        self.path = path
        self.mapping = mapping
        self.tensors = tensors
        self.names = tensors.keys.sorted()
        self.isBigEndian = byteOrder == "big"
    }

    /// Shape and dtype of a tensor the zoo can read; nil for others (see `unreadableDType`).
    public func info(_ name: String) -> TensorInfo? {
        guard let located = tensors[name], let dtype = located.reference.storage.type.dtype else { return nil }
        return TensorInfo(shape: located.reference.shape, dtype: dtype)
    }

    /// torch's name of the element type of a tensor the zoo cannot read ("int64", ...), or nil.
    public func unreadableDType(_ name: String) -> String? {
        guard let type = tensors[name]?.reference.storage.type, type.dtype == nil else { return nil }
        return type.elementName
    }

    /// The tensor `name`: a view into the mapping when it is contiguous, little-endian and aligned, else a copy.
    public func tensor(_ name: String) throws(FormatError) -> Tensor {
        guard let located = tensors[name] else { throw FormatError(path: path, tensor: name, "no such tensor") }
        let reference = located.reference
        let type = reference.storage.type
        guard let dtype = type.dtype else {
            throw FormatError(path: path, tensor: name,
                              "unsupported dtype \(type.elementName): the zoo reads float32, float16 and bfloat16")
        }
        let shape = reference.shape
        // An empty tensor reads nothing (its offset was not checked against the storage).
        guard shape.allSatisfy({ $0 > 0 }) else { return Tensor(shape: shape, dtype: dtype, storage: Storage(byteCount: 0)) }
        try checkCRCOnce(located.entry)
        let start = located.entry.offset + reference.offset * type.elementSize
        if !isBigEndian && isContiguous(shape: shape, strides: reference.strides) && start % dtype.alignment == 0 {
            return Tensor(shape: shape, dtype: dtype, storage: mapping, byteOffset: start)
        }
        let copy = gatherElements(from: mapping.base + located.entry.offset, elementSize: type.elementSize,
                                  offset: reference.offset, shape: shape, strides: reference.strides,
                                  swapBytes: isBigEndian)
        return Tensor(shape: shape, dtype: dtype, storage: copy)
    }

    private func checkCRCOnce(_ entry: ZipArchive.Entry) throws(FormatError) {
        if checked.withLock({ $0.contains(entry.name) }) { return }
        try Self.checkCRC(entry, in: UnsafeRawBufferPointer(start: mapping.base, count: mapping.byteCount), path: path)
        checked.withLock { _ = $0.insert(entry.name) }
    }
}

extension PyTorchFile {
    /// Refuses, with what to do instead, the files torch.save wrote before its zip format and anything else.
    private static func checkIsZipArchive(_ bytes: UnsafeRawBufferPointer, path: String) throws(FormatError) {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return }
        if bytes.count >= 2 && bytes[0] == 0x80 && (2...5).contains(bytes[1]) {
            throw FormatError(path: path, "the legacy PyTorch format (a bare pickle, as torch.save wrote before "
                + "PyTorch 1.6 or with _use_new_zipfile_serialization=False) is not read: load it in PyTorch and save "
                + "it again with torch.save, or better as safetensors")
        }
        if bytes.count >= 262 && bytes[257..<262].elementsEqual("ustar".utf8) {
            throw FormatError(path: path, "a tar archive (torch.save before PyTorch 0.4) is not read: load it in "
                + "PyTorch and save it again with torch.save, or as safetensors")
        }
        guard bytes.count >= 4 else { throw FormatError(path: path, "truncated: \(bytes.count) bytes") }
        throw FormatError(path: path, "not a PyTorch checkpoint: torch.save writes a zip archive")
    }

    /// The archive's top folder: the one holding data.pkl ("archive", or the name the file was saved under).
    private static func topFolder(of archive: ZipArchive, path: String) throws(FormatError) -> String {
        let folders = archive.entries.compactMap { entry -> String? in
            let parts = entry.name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl" && !parts[0].isEmpty ? String(parts[0]) : nil
        }
        guard let top = folders.first else {
            throw FormatError(path: path, "a zip archive without <folder>/data.pkl: not a torch.save checkpoint")
        }
        guard folders.count == 1 else {
            throw FormatError(path: path, "the archive holds several data.pkl (in \(folders.joined(separator: ", ")))")
        }
        return top
    }

    private static func checkCRC(_ entry: ZipArchive.Entry, in bytes: UnsafeRawBufferPointer, path: String) throws(FormatError) {
        let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[entry.range]))
        guard crc == entry.crc32 else {
            throw FormatError(path: path, "entry \(entry.name.debugDescription) is damaged: its CRC-32 is "
                + "\(String(crc, radix: 16)) but the archive records \(String(entry.crc32, radix: 16))")
        }
    }

    /// The pickle's root as the key-value pairs of a state dict: a dict (or OrderedDict) with string keys.
    private static func stateDict(_ pickle: Pickle, path: String) throws(FormatError) -> [(String, PickleValue)] {
        guard case .dict(let index) = pickle.root else {
            throw FormatError(path: path, "the pickle holds \(pickle.root.kind), not a state dict (a dict of tensors)")
        }
        var pairs: [(String, PickleValue)] = []
        for (key, value) in pickle.dicts[index] {
            guard case .string(let name) = key else {
                throw FormatError(path: path, "the state dict has a key that is \(key.kind), not a string")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Checks a tensor's view against its storage: the storage's size matches its entry, and every element the
    /// offset, sizes and strides reach lies inside the storage.
    private static func checkView(_ tensor: TorchTensorReference, storageBytes: Int, path: String, tensor name: String)
        throws(FormatError) {
        let storage = tensor.storage
        func problem(_ text: String) -> FormatError { FormatError(path: path, tensor: name, text) }
        let (bytes, overflow) = storage.count.multipliedReportingOverflow(by: storage.type.elementSize)
        guard !overflow, bytes == storageBytes else {
            throw problem("storage \(storage.key) should hold \(storage.count) \(storage.type.elementName) elements "
                + "but its entry has \(storageBytes) bytes")
        }
        guard tensor.offset >= 0, tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 }) else {
            throw problem("negative offset, size or stride (offset \(tensor.offset), sizes \(tensor.shape), strides \(tensor.strides))")
        }
        var count = 1
        var last = tensor.offset
        for (size, stride) in zip(tensor.shape, tensor.strides) {
            let (product, countOverflow) = count.multipliedReportingOverflow(by: size)
            guard !countOverflow else { throw problem("sizes \(tensor.shape) hold too many elements") }
            count = product
            guard size > 0 else { continue }
            let (reach, reachOverflow) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, sumOverflow) = last.addingReportingOverflow(reach)
            guard !reachOverflow, !sumOverflow else { throw problem("strides \(tensor.strides) reach too far") }
            last = sum
        }
        guard count == 0 || last < storage.count else {
            throw problem("sizes \(tensor.shape) with strides \(tensor.strides) from offset \(tensor.offset) reach "
                + "element \(last), past the end of its storage of \(storage.count) elements")
        }
        // A view with zero or overlapping strides repeats elements, and reading it copies them all.
        guard count <= max(storage.count, PyTorchFile.maximumRepeatingViewCount) else {
            throw problem("sizes \(tensor.shape) with strides \(tensor.strides) make \(count) elements out of the "
                + "\(storage.count) of its storage, more than the limit of \(PyTorchFile.maximumRepeatingViewCount) for a "
                + "view that repeats elements")
        }
    }
}

/// Whether row-major `shape` with `strides` lays the elements out densely in order (a dimension of size 1 may
/// have any stride).
func isContiguous(shape: [Int], strides: [Int]) -> Bool {
    var expected = 1
    for (size, stride) in zip(shape, strides).reversed() {
        if size != 1 && stride != expected { return false }
        expected *= size
    }
    return true
}

/// Copies the elements a strided view reaches, in row-major order, into new storage; with `swapBytes`, each
/// element's bytes are reversed (a big-endian file). The view must have been checked against the source.
func gatherElements(from source: UnsafeRawPointer, elementSize: Int, offset: Int, shape: [Int], strides: [Int],
                    swapBytes: Bool) -> Storage {
    let count = shape.reduce(1, *)
    let result = Storage(byteCount: count * elementSize)
    guard count > 0 else { return result }
    let rank = shape.count
    let rowLength = rank > 0 ? shape[rank - 1] : 1
    let rowStride = rank > 0 ? strides[rank - 1] : 0
    var index = [Int](repeating: 0, count: max(rank - 1, 0))
    var rowStart = offset
    var destination = result.base
    for _ in 0..<count / rowLength {
        var element = rowStart
        for _ in 0..<rowLength {
            let from = source + element * elementSize
            if swapBytes {
                for byte in 0..<elementSize {
                    destination.storeBytes(of: from.load(fromByteOffset: elementSize - 1 - byte, as: UInt8.self),
                                           toByteOffset: byte, as: UInt8.self)
                }
            } else {
                destination.copyMemory(from: from, byteCount: elementSize)
            }
            destination += elementSize
            element += rowStride
        }
        // The next row: advance the outer dimensions like an odometer.
        var dimension = rank - 2
        while dimension >= 0 {
            index[dimension] += 1
            rowStart += strides[dimension]
            if index[dimension] < shape[dimension] { break }
            rowStart -= strides[dimension] * shape[dimension]
            index[dimension] = 0
            dimension -= 1
        }
    }
    return result
}
