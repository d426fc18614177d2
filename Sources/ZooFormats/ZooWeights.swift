#if canImport(Glibc)
import Glibc
#endif
import CZooHDF5
import Foundation
import ZooTensor

/// A zoo weights file (`weights.h5`, Formats/zoo-checkpoint-v1.md) opened for reading. Opening maps the file once and
/// validates it with libhdf5, which reads it through that mapping; tensors are views into the mapping, never copies.
public final class ZooWeights: Sendable {
    private let table: TensorTable

    public var url: URL { table.url }
    /// The tensor names, sorted.
    public var names: [String] { table.names }

    /// With `readingAll` (a model about to run), every page of the file is read in through the mapping first, in
    /// one pass, rather than as the first forward pass touches them; without it (`zoo list`, `zoo info`) only the
    /// pages libhdf5 reads for the metadata come in.
    public init(contentsOf url: URL, readingAll: Bool = true) throws(FormatError) {
        let path = url.path
        let mapping = try mapRegularFile(url)
        // A weights file is read where a tensor or a header lies, not in order. Without read-ahead, a page fault
        // brings in the 2 MB page around it and no more: read-ahead from where an earlier sparse reader stopped
        // (libhdf5 here or in another process's `zoo list`) brought the stretches after it in as small pages, a
        // third of SmolLM2's weights after one `zoo list` on a cold page cache.
        _ = madvise(mapping.base, mapping.byteCount, MADV_RANDOM)
        if readingAll { prefault(mapping) }
        try checkSuperblock(mapping, ErrorContext(path: path))
        let entries = try withHDF5(path: path) { () throws(FormatError) in
            try readCatalog(path: path, file: mapping)
        }
        self.table = TensorTable(url: url, mapping: mapping, entries: entries)
    }

    public func info(_ name: String) -> TensorInfo? { table.info(name) }

    /// The tensor `name`, a read-only view into the file's mapping (the format aligns all data).
    public func tensor(_ name: String) throws(FormatError) -> Tensor { try table.tensor(name) }
}

/// The checks that need no HDF5: libhdf5 was not written for hostile input, so it only sees files that at least
/// start like the files this format allows.
private func checkSuperblock(_ file: Storage, _ context: ErrorContext) throws(FormatError) {
    let bytes = UnsafeRawBufferPointer(start: file.base, count: file.byteCount)
    guard !bytes.isEmpty else { throw context.error("empty file") }
    guard bytes.starts(with: ZooCheckpointLayout.signature) else {
        throw context.error("not an HDF5 file (no HDF5 signature at offset 0)")
    }
    guard bytes.count >= ZooCheckpointLayout.superblockSize else {
        throw context.error("truncated: \(bytes.count) bytes cannot hold an HDF5 superblock")
    }
    let version = bytes[8]
    guard version == 2 || version == 3 else {
        throw context.error("HDF5 superblock version \(version) is not allowed: the format requires version 2 or 3 "
            + "(library version bounds from 1.8), whose metadata carries checksums")
    }
    guard bytes[9] == 8, bytes[10] == 8 else {
        throw context.error("HDF5 superblock declares \(bytes[9])-byte addresses and \(bytes[10])-byte lengths, not 8")
    }
    let baseAddress = bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self).littleEndian
    guard baseAddress == 0 else { throw context.error("HDF5 base address \(baseAddress) is not 0 (user block)") }
    let endOfFile = bytes.loadUnaligned(fromByteOffset: 28, as: UInt64.self).littleEndian
    guard endOfFile <= UInt64(bytes.count) else {
        throw context.error("truncated: the superblock records \(endOfFile) bytes, the file has \(bytes.count)")
    }
}

/// Opens the file with libhdf5 and validates the root attributes and every dataset. Call under `withHDF5`.
private func readCatalog(path: String, file mapping: Storage) throws(FormatError) -> [String: TensorTable.Entry] {
    let context = ErrorContext(path: path, heaps: GlobalHeapCheck(mapping))
    let fileSize = mapping.byteCount
    // Closing the file closes whatever libhdf5 still holds open in it: with the default (weak) degree, ids left
    // open by a failure inside the library kept a damaged file alive until exit, where libhdf5's own clean-up
    // crashed on it (the fuzzer found this).
    let access = H5Pcreate(zoo_h5p_file_access())
    guard access >= 0 else { throw context.hdf5Error("cannot create file access properties") }
    defer { H5Pclose(access) }
    guard H5Pset_fclose_degree(access, H5F_CLOSE_STRONG) >= 0 else {
        throw context.hdf5Error("cannot set the file close degree")
    }
    // libhdf5 reads the file where it is mapped: a page it reads comes in through the mapping, as a 2 MB page
    // where the kernel can, and a model that only has its metadata read (`zoo list`) is read no further.
    guard zoo_h5p_lend_image(access, mapping.base, fileSize) >= 0 else {
        throw context.hdf5Error("cannot lend the mapped file to libhdf5")
    }
    // The in-memory driver refuses a name that is an existing file, and tells open files apart by name: each image
    // gets one that no file can have (/dev/null is not a directory) and no other open image has.
    let file = H5Fopen("/dev/null/zoo-image-\(UInt(bitPattern: mapping.base))", zoo_h5f_acc_rdonly(), access)
    guard file >= 0 else { throw context.hdf5Error("cannot open as HDF5") }
    defer { H5Fclose(file) }
    try checkRootAttributes(file, context)

    var entries: [String: TensorTable.Entry] = [:]
    for (name, type) in try rootLinks(file, context) {
        var context = context
        context.tensor = name
        guard ZooCheckpointLayout.isValidName(name) else {
            throw context.error("invalid tensor name: names are printable ASCII without spaces or '/'")
        }
        guard type == H5L_TYPE_HARD else {
            throw context.error("is a soft or external link; the root group may hold only datasets")
        }
        let object = H5Oopen(file, name, zoo_h5p_default())
        guard object >= 0 else { throw context.hdf5Error("cannot open") }
        defer { H5Oclose(object) }
        switch H5Iget_type(object) {
        case H5I_DATASET: entries[name] = try readEntry(object, fileSize: fileSize, context)
        case H5I_GROUP: throw context.error("is a group; tensors must be datasets directly in the root group")
        default: throw context.error("is not a dataset; the root group may hold only datasets")
        }
    }
    return entries
}

/// The links of the root group (name and type), sorted by name. They are walked in the file's own order: asking
/// libhdf5 for them by index in name order makes it build a table of every link first, and libhdf5 1.10 frees
/// that table's unfilled entries when a damaged file stops the building (a heap corruption the fuzzer found).
private func rootLinks(_ file: hid_t, _ context: ErrorContext) throws(FormatError) -> [(String, H5L_type_t)] {
    final class Collected {
        var links: [(String, H5L_type_t)] = []
        var problem: String?
    }
    let collected = Collected()
    let visit: H5L_iterate_t = { _, name, info, data in
        let collected = Unmanaged<Collected>.fromOpaque(data!).takeUnretainedValue()
        guard let name, let info else { return -1 }
        let length = strnlen(name, maximumNameLength + 1)
        guard length <= maximumNameLength else {
            collected.problem = "a root group entry has a name longer than \(maximumNameLength) bytes"
            return 1
        }
        guard collected.links.count < maximumLinks else {
            collected.problem = "the root group holds more than \(maximumLinks) entries"
            return 1
        }
        collected.links.append((String(decoding: UnsafeRawBufferPointer(start: name, count: length), as: UTF8.self),
                                info.pointee.type))
        return 0
    }
    var index: hsize_t = 0
    let status = H5Literate(file, H5_INDEX_NAME, H5_ITER_NATIVE, &index, visit,
                            Unmanaged.passUnretained(collected).toOpaque())
    if let problem = collected.problem { throw context.error(problem) }
    guard status >= 0 else { throw context.hdf5Error("cannot list the root group") }
    return collected.links.sorted { $0.0 < $1.0 }
}

private func checkRootAttributes(_ file: hid_t, _ context: ErrorContext) throws(FormatError) {
    let formatKey = ZooCheckpointLayout.formatAttribute, versionKey = ZooCheckpointLayout.versionAttribute
    guard let format = try readStringAttribute(file, formatKey, context) else {
        throw context.error("missing root attribute \(formatKey): not a zoo checkpoint")
    }
    guard format == ZooCheckpointLayout.formatName else {
        throw context.error(
            "root attribute \(formatKey) is \(format.debugDescription), not \"\(ZooCheckpointLayout.formatName)\"")
    }
    guard let version = try readIntegerAttribute(file, versionKey, context) else {
        throw context.error("missing root attribute \(versionKey)")
    }
    guard version == ZooCheckpointLayout.version else {
        throw context.error(
            "unsupported \(versionKey) \(version): this reader knows version \(ZooCheckpointLayout.version)")
    }
}

/// Names longer than this are refused.
private let maximumNameLength = 4096
/// More tensors than this in one file are refused (the largest published models have a few thousand).
private let maximumLinks = 1 << 20

private func readEntry(_ dataset: hid_t, fileSize: Int, _ context: ErrorContext) throws(FormatError) -> TensorTable.Entry {
    try checkStorageLayout(dataset, context)
    let dtype = try readDType(dataset, context)
    let datasetShape = try readShape(dataset, context)
    let shape = dtype.isQuantized ? try readBlockShape(dataset, dtype, context) : datasetShape
    let byteCount: Int
    switch checkedByteCount(shape: shape, dtype: dtype) {
    case .success(let bytes): byteCount = bytes
    case .failure(let problem): throw context.error(problem.description)
    }
    if dtype.isQuantized && datasetShape != [byteCount] {
        throw context.error("holds \(datasetShape) bytes where shape \(shape) in \(dtype.rawValue) needs "
            + "[\(byteCount)]: block data is a one-dimensional dataset of exactly its bytes")
    }
    let info = TensorInfo(shape: shape, dtype: dtype)
    guard byteCount > 0 else { return TensorTable.Entry(info: info, offset: 0) }

    let address = H5Dget_offset(dataset)
    guard address != zoo_haddr_undef() else { throw context.error("has no data in the file (never written)") }
    let offset = UInt64(address)
    let storedBytes = H5Dget_storage_size(dataset)
    guard storedBytes == UInt64(byteCount) else {
        throw context.error("stores \(storedBytes) bytes where shape \(shape) in \(dtype.rawValue) needs \(byteCount)")
    }
    guard offset <= UInt64(fileSize), UInt64(byteCount) <= UInt64(fileSize) - offset else {
        throw context.error("truncated: data at offset \(offset) needs \(byteCount) bytes, the file has \(fileSize)")
    }
    guard offset % UInt64(ZooCheckpointLayout.dataAlignment) == 0 else {
        throw context.error("data at offset \(offset) is not aligned to \(ZooCheckpointLayout.dataAlignment) bytes")
    }
    return TensorTable.Entry(info: info, offset: Int(offset))
}

/// Refuses every storage but contiguous data in this file without filters: only that can be mapped in place.
private func checkStorageLayout(_ dataset: hid_t, _ context: ErrorContext) throws(FormatError) {
    let creation = H5Dget_create_plist(dataset)
    guard creation >= 0 else { throw context.hdf5Error("cannot read the dataset's properties") }
    defer { H5Pclose(creation) }
    let filters = H5Pget_nfilters(creation)
    guard filters >= 0 else { throw context.hdf5Error("cannot read the dataset's filters") }
    guard filters == 0 else {
        throw context.error(
            "uses \(filters) HDF5 filter(s) (compression); the format requires unfiltered contiguous data")
    }
    switch H5Pget_layout(creation) {
    case H5D_CONTIGUOUS: break
    case H5D_CHUNKED: throw context.error("is chunked; the format requires contiguous storage")
    case H5D_COMPACT: throw context.error("uses compact storage; the format requires contiguous storage")
    case H5D_VIRTUAL: throw context.error("is a virtual dataset; the format requires contiguous storage")
    default: throw context.hdf5Error("cannot read the storage layout")
    }
    guard H5Pget_external_count(creation) == 0 else {
        throw context.error("keeps its data in external files; the format requires it inside this file")
    }
}

/// The dtype the zoo_dtype attribute names, which the HDF5 type must confirm: the float type itself, or bytes for
/// a block type.
private func readDType(_ dataset: hid_t, _ context: ErrorContext) throws(FormatError) -> DType {
    let type = H5Dget_type(dataset)
    guard type >= 0 else { throw context.hdf5Error("cannot read the datatype") }
    defer { H5Tclose(type) }
    let stored: StoredType
    switch classifyHDF5Type(type) {
    case .success(let found): stored = found
    case .failure(let mismatch):
        throw context.error("unsupported HDF5 type (\(mismatch.description)): the format stores little-endian "
            + "float32, float16 or bfloat16, or the unsigned bytes of quantized blocks")
    }
    let key = ZooCheckpointLayout.dtypeAttribute
    guard let declared = try readStringAttribute(dataset, key, context) else {
        throw context.error("missing attribute \(key)")
    }
    guard let dtype = DType(rawValue: declared) else {
        throw context.error("unknown \(key) \(declared.debugDescription): expected "
            + DType.allCases.map(\.rawValue).joined(separator: ", "))
    }
    switch stored {
    case .float(let found) where found != dtype:
        throw context.error("\(key) says \(declared) but the HDF5 type is \(found.rawValue): they disagree")
    case .bytes where !dtype.isQuantized:
        throw context.error("\(key) says \(declared) but the HDF5 type is unsigned bytes, which hold only "
            + "quantized blocks: they disagree")
    default:
        return dtype
    }
}

private func readShape(_ dataset: hid_t, _ context: ErrorContext) throws(FormatError) -> [Int] {
    let space = H5Dget_space(dataset)
    guard space >= 0 else { throw context.hdf5Error("cannot read the dataspace") }
    defer { H5Sclose(space) }
    switch H5Sget_simple_extent_type(space) {
    case H5S_SCALAR:
        return []
    case H5S_SIMPLE:
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw context.hdf5Error("cannot read the shape") }
        var dimensions = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space, &dimensions, nil) >= 0 else {
            throw context.hdf5Error("cannot read the shape")
        }
        guard dimensions.allSatisfy({ $0 <= UInt64(Int.max) }) else {
            throw context.error("shape \(dimensions) is too large")
        }
        return dimensions.map { Int($0) }
    case H5S_NULL:
        throw context.error("has a null dataspace (no shape, no data)")
    default:
        throw context.hdf5Error("cannot read the shape")
    }
}
