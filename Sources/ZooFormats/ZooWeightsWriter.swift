import CZooHDF5
import Foundation
import ZooTensor

// The writer hands tensor memory to libhdf5 with the file type as the memory type, so no conversion runs.
#if !_endian(little)
#error("ZooWeightsWriter stores tensors as little-endian and assumes a little-endian host")
#endif

/// Writes a zoo weights file (`weights.h5`, Formats/zoo-checkpoint-v1.md). The file is only valid once `close()`
/// has succeeded: the root attributes that mark it as a zoo checkpoint are written last, so an interrupted or
/// failed conversion leaves a file every reader refuses.
///
/// Sendable because every use of its mutable state happens under the libhdf5 lock.
public final class ZooWeightsWriter: @unchecked Sendable {
    public let url: URL
    /// The open file; nil once closed.
    private var file: hid_t?
    private var written: Set<String> = []
    /// Set when libhdf5 failed during a write: the file may hold a partial dataset and must not be completed.
    private var failed = false

    /// Creates the file at `url`, which must not exist.
    public init(creating url: URL) throws(FormatError) {
        let context = ErrorContext(path: url.path)
        guard !FileManager.default.fileExists(atPath: url.path) else { throw context.error("already exists") }
        self.url = url
        self.file = try withHDF5(path: url.path) { () throws(FormatError) -> hid_t in
            let creation = H5Pcreate(zoo_h5p_file_create())
            let access = H5Pcreate(zoo_h5p_file_access())
            defer {
                H5Pclose(creation)
                H5Pclose(access)
            }
            // No timestamp on the root group, so that the same tensors always give the same bytes.
            // Bounds from 1.8 give superblock 2 and checksummed metadata; up to 1.10 keeps the file readable by 1.10.
            guard creation >= 0, access >= 0, H5Pset_obj_track_times(creation, false) >= 0,
                  H5Pset_libver_bounds(access, H5F_LIBVER_V18, H5F_LIBVER_V110) >= 0,
                  H5Pset_alignment(access, 1, hsize_t(ZooCheckpointLayout.dataAlignment)) >= 0,
                  disableFileLocks(access) else {
                throw context.hdf5Error("cannot create")
            }
            let file = H5Fcreate(url.path, zoo_h5f_acc_excl(), creation, access)
            guard file >= 0 else { throw context.hdf5Error("cannot create") }
            return file
        }
    }

    deinit {
        // Closed without close(): the file lacks its root attributes and stays invalid.
        if let file { try? withHDF5(path: url.path) { () throws(FormatError) in _ = H5Fclose(file) } }
    }

    /// Writes `tensor` as dataset `name`, in its own dtype: float32, float16 or bfloat16 elements, or the blocks of
    /// q8_0, q4_0 or q4_1 as they are (a byte dataset with the logical shape in attributes).
    public func write(_ name: String, _ tensor: Tensor) throws(FormatError) {
        let context = ErrorContext(path: url.path, tensor: name)
        guard ZooCheckpointLayout.isValidName(name) else {
            throw context.error("invalid tensor name: names are printable ASCII without spaces or '/', and not \".\"")
        }
        guard tensor.shape.count <= ZooCheckpointLayout.maximumRank else {
            throw context.error(
                "rank \(tensor.shape.count) exceeds HDF5's limit of \(ZooCheckpointLayout.maximumRank) dimensions")
        }
        try withHDF5(path: url.path) { () throws(FormatError) in
            guard let file else { throw context.error("the writer is closed") }
            guard !written.contains(name) else { throw context.error("written twice") }
            do throws(FormatError) {
                try writeDataset(file, name, tensor, context)
            } catch {
                failed = true
                throw error
            }
            written.insert(name)
        }
    }

    /// Marks the file as a zoo checkpoint and closes it. Throws if a write failed before: that file stays invalid.
    public func close() throws(FormatError) {
        let context = ErrorContext(path: url.path)
        try withHDF5(path: url.path) { () throws(FormatError) in
            guard let file else { throw context.error("the writer is already closed") }
            self.file = nil
            do throws(FormatError) {
                guard !failed else { throw context.error("not completed: an earlier write failed") }
                typealias Layout = ZooCheckpointLayout
                try writeStringAttribute(file, Layout.formatAttribute, Layout.formatName, context)
                try writeIntegerAttribute(file, Layout.versionAttribute, Int64(Layout.version), context)
            } catch {
                H5Fclose(file)
                throw error
            }
            guard H5Fclose(file) >= 0 else { throw context.hdf5Error("cannot close") }
        }
    }
}

/// One contiguous dataset, allocated at creation and written once, with its zoo_dtype attribute.
private func writeDataset(_ file: hid_t, _ name: String, _ tensor: Tensor, _ context: ErrorContext) throws(FormatError) {
    let type = createHDF5Type(tensor.dtype)
    guard type >= 0 else { throw context.hdf5Error("cannot create the datatype") }
    defer { H5Tclose(type) }
    // Block types are stored as their bytes, their logical shape in attributes.
    let dimensions = tensor.dtype.isQuantized ? [hsize_t(tensor.byteCount)] : tensor.shape.map { hsize_t($0) }
    let space = dimensions.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dimensions.count), dimensions, nil)
    guard space >= 0 else { throw context.hdf5Error("cannot create a dataspace for shape \(tensor.shape)") }
    defer { H5Sclose(space) }
    let creation = H5Pcreate(zoo_h5p_dataset_create())
    guard creation >= 0 else { throw context.hdf5Error("cannot create the dataset properties") }
    defer { H5Pclose(creation) }
    // Early allocation without fill: the data has its place when the dataset exists and is written once.
    // No timestamps, so that the same tensors always give the same bytes.
    guard H5Pset_layout(creation, H5D_CONTIGUOUS) >= 0, H5Pset_alloc_time(creation, H5D_ALLOC_TIME_EARLY) >= 0,
          H5Pset_fill_time(creation, H5D_FILL_TIME_NEVER) >= 0, H5Pset_obj_track_times(creation, false) >= 0 else {
        throw context.hdf5Error("cannot set the dataset properties")
    }
    let dataset = H5Dcreate2(file, name, type, space, zoo_h5p_default(), creation, zoo_h5p_default())
    guard dataset >= 0 else { throw context.hdf5Error("cannot create the dataset") }
    defer { H5Dclose(dataset) }
    try writeStringAttribute(dataset, ZooCheckpointLayout.dtypeAttribute, tensor.dtype.rawValue, context)
    if tensor.dtype.isQuantized { try writeBlockAttributes(dataset, tensor.dtype, shape: tensor.shape, context) }
    if tensor.byteCount > 0 {
        guard H5Dwrite(dataset, type, zoo_h5s_all(), zoo_h5s_all(), zoo_h5p_default(), tensor.rawPointer) >= 0 else {
            throw context.hdf5Error("cannot write the data")
        }
    }
}
