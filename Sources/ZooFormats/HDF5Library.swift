import CZooHDF5
import Synchronization
import ZooTensor

/// libhdf5 is thread-safe only when built so (Debian's is; HDF5's default build is not): every call into it runs
/// under this lock, which also records whether the library has been set up.
private let hdf5Lock = Mutex(false)

/// Runs `body` with exclusive use of libhdf5. `path` names the file in the error thrown when the library cannot be
/// opened.
func withHDF5<Result>(path: String, _ body: () throws(FormatError) -> Result) throws(FormatError) -> Result {
    try hdf5Lock.withLock { started throws(FormatError) -> Result in
        if !started {
            // No clean-up at exit: libhdf5 1.10 can leave a damaged file half open after refusing it (a dataset
            // with a broken external file list, found by fuzzing), and its exit handler then crashes closing it,
            // turning a clean refusal into a segmentation fault. The operating system frees what a process leaves.
            H5dont_atexit()
            started = true
        }
        // Opening is cheap after the first time, and needed on every thread: in thread-safe builds the silencing of
        // HDF5's own error printing holds for the calling thread only.
        guard zoo_h5_open() >= 0 else { throw FormatError(path: path, "cannot initialise libhdf5") }
        return try body()
    }
}

/// `what`, followed by the cause libhdf5 left on its error stack (which this clears).
func hdf5Failure(_ what: String) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    zoo_h5_error_message(&buffer, buffer.count)
    let cause = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return "\(what): \(cause)"
}

/// Turns off libhdf5's file locks in file access properties `access`. Zoo needs none (a model is written in a staging
/// folder and renamed into place once complete), and they did harm: libhdf5 does not close its file descriptors on
/// exec, so a process started while a file was open kept its lock, and opening the file again failed with "unable to
/// lock file" until that process ended.
func disableFileLocks(_ access: hid_t) -> Bool {
    H5Pset_file_locking(access, false, true) >= 0
}

/// The names, attribute values and layout of a zoo weights file (see Formats/zoo-checkpoint-v1.md).
enum ZooCheckpointLayout {
    static let formatAttribute = "zoo_format"
    static let formatName = "zoo-checkpoint"
    static let versionAttribute = "zoo_format_version"
    static let version = 1
    static let dtypeAttribute = "zoo_dtype"
    /// On block-type datasets: the elements per block (32) and the logical shape.
    static let blockSizeAttribute = "zoo_block_size"
    static let shapeAttribute = "zoo_shape"
    /// Every tensor's data starts at a multiple of this file offset.
    static let dataAlignment = 64
    /// HDF5's limit on dataset dimensions (H5S_MAX_RANK).
    static let maximumRank = 32
    /// Size of a version 2 or 3 superblock, which the reader checks before libhdf5 sees the file.
    static let superblockSize = 48
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A valid tensor name: printable ASCII without space or "/", and not "." ("/" and "." have meaning in HDF5 paths).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }
    }
}

/// The HDF5 float layouts of the float dtypes: little-endian, IEEE-style with an implied leading mantissa bit.
struct FloatLayout: Equatable {
    var size: Int
    var signPosition: Int
    var exponentPosition: Int
    var exponentSize: Int
    var mantissaSize: Int
    var exponentBias: Int

    /// nil for the block types, which are stored as bytes.
    static func of(_ dtype: DType) -> FloatLayout? {
        switch dtype {
        case .float32:
            FloatLayout(size: 4, signPosition: 31, exponentPosition: 23, exponentSize: 8, mantissaSize: 23, exponentBias: 127)
        case .float16:
            FloatLayout(size: 2, signPosition: 15, exponentPosition: 10, exponentSize: 5, mantissaSize: 10, exponentBias: 15)
        case .bfloat16:
            FloatLayout(size: 2, signPosition: 15, exponentPosition: 7, exponentSize: 8, mantissaSize: 7, exponentBias: 127)
        case .q8_0, .q4_0, .q4_1:
            nil
        }
    }
}

/// A new HDF5 type id for `dtype`'s file (and, on little-endian hosts, memory) layout; the caller closes it.
/// Block types are stored as unsigned bytes.
func createHDF5Type(_ dtype: DType) -> hid_t {
    switch dtype {
    case .float32: H5Tcopy(zoo_h5t_ieee_f32le())
    case .float16: zoo_h5t_create_float16()
    case .bfloat16: zoo_h5t_create_bfloat16()
    case .q8_0, .q4_0, .q4_1: H5Tcopy(zoo_h5t_std_u8le())
    }
}

/// What a dataset's HDF5 type stores: elements of a float dtype, or bytes (the blocks of a block type).
enum StoredType: Equatable {
    case float(DType)
    case bytes
}

/// The stored type whose layout `type` has exactly, or a description of the type for an error message.
func classifyHDF5Type(_ type: hid_t) -> Result<StoredType, TypeMismatch> {
    let size = H5Tget_size(type)
    switch H5Tget_class(type) {
    case H5T_FLOAT:
        break
    case H5T_INTEGER:
        let plainByte = size == 1 && H5Tget_sign(type) == H5T_SGN_NONE && H5Tget_precision(type) == 8
            && H5Tget_offset(type) == 0
        return plainByte ? .success(.bytes) : .failure(TypeMismatch(description: "\(size * 8)-bit integer"))
    case H5T_STRING: return .failure(TypeMismatch(description: "string"))
    case H5T_COMPOUND: return .failure(TypeMismatch(description: "compound"))
    default: return .failure(TypeMismatch(description: "non-float"))
    }
    guard H5Tget_order(type) == H5T_ORDER_LE else { return .failure(TypeMismatch(description: "big-endian float")) }
    var spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0
    guard H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) >= 0 else {
        return .failure(TypeMismatch(description: "unreadable float"))
    }
    let layout = FloatLayout(size: size, signPosition: spos, exponentPosition: epos, exponentSize: esize,
                             mantissaSize: msize, exponentBias: H5Tget_ebias(type))
    let plain = mpos == 0 && H5Tget_offset(type) == 0 && H5Tget_precision(type) == size * 8
        && H5Tget_norm(type) == H5T_NORM_IMPLIED
    if plain, let dtype = DType.floatingPoint.first(where: { FloatLayout.of($0) == layout }) {
        return .success(.float(dtype))
    }
    let detail = size == 2 || size == 4 ? " with an unsupported layout" : ""
    return .failure(TypeMismatch(description: "\(size * 8)-bit float\(detail)"))
}

struct TypeMismatch: Error {
    let description: String
}
