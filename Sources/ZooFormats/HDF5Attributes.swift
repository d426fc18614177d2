import CZooHDF5

/// Where an error happened: the file, and the tensor when there is one.
struct ErrorContext {
    let path: String
    var tensor: String? = nil
    /// The file being read, when it is mapped: variable-length strings are read only after its global heaps have
    /// been checked (`GlobalHeapCheck`).
    var heaps: GlobalHeapCheck? = nil

    func error(_ problem: String) -> FormatError { FormatError(path: path, tensor: tensor, problem) }
    func hdf5Error(_ what: String) -> FormatError { error(hdf5Failure(what)) }
}

/// Longest fixed-length string attribute read; zoo attributes are a few bytes, a hostile file may claim gigabytes.
private let maximumStringAttributeSize = 4096

/// Opens attribute `name` of `object` if it exists, checking that it holds exactly one element.
private func openSingleAttribute(_ object: hid_t, _ name: String, _ context: ErrorContext) throws(FormatError) -> hid_t? {
    let exists = H5Aexists(object, name)
    guard exists >= 0 else { throw context.hdf5Error("cannot look up attribute \(name)") }
    guard exists > 0 else { return nil }
    let attribute = H5Aopen(object, name, zoo_h5p_default())
    guard attribute >= 0 else { throw context.hdf5Error("cannot open attribute \(name)") }
    let space = H5Aget_space(attribute)
    defer { H5Sclose(space) }
    guard space >= 0, H5Sget_simple_extent_npoints(space) == 1 else {
        H5Aclose(attribute)
        throw context.error("attribute \(name) must hold a single value")
    }
    return attribute
}

/// The value of string attribute `name`, fixed- or variable-length; nil when the attribute is absent.
func readStringAttribute(_ object: hid_t, _ name: String, _ context: ErrorContext) throws(FormatError) -> String? {
    guard let attribute = try openSingleAttribute(object, name, context) else { return nil }
    defer { H5Aclose(attribute) }
    let fileType = H5Aget_type(attribute)
    guard fileType >= 0 else { throw context.hdf5Error("cannot read the type of attribute \(name)") }
    defer { H5Tclose(fileType) }
    guard H5Tget_class(fileType) == H5T_STRING else { throw context.error("attribute \(name) must be a string") }
    let memoryType = H5Tget_native_type(fileType, H5T_DIR_DEFAULT)
    guard memoryType >= 0 else { throw context.hdf5Error("cannot read attribute \(name)") }
    defer { H5Tclose(memoryType) }

    let value: String?
    if H5Tis_variable_str(fileType) > 0 {
        try context.heaps?.check(context)
        var pointer: UnsafeMutablePointer<CChar>?
        guard H5Aread(attribute, memoryType, &pointer) >= 0 else { throw context.hdf5Error("cannot read attribute \(name)") }
        guard let pointer else { return "" }
        defer { H5free_memory(pointer) }
        value = String(validatingCString: pointer)
    } else {
        let size = H5Tget_size(fileType)
        guard size > 0, size <= maximumStringAttributeSize else {
            throw context.error("attribute \(name) has an implausible string size \(size)")
        }
        var buffer = [UInt8](repeating: 0, count: size)
        guard H5Aread(attribute, memoryType, &buffer) >= 0 else { throw context.hdf5Error("cannot read attribute \(name)") }
        var bytes = buffer.prefix { $0 != 0 }
        if H5Tget_strpad(fileType) == H5T_STR_SPACEPAD {
            while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        }
        value = String(validating: bytes, as: UTF8.self)
    }
    guard let value else {
        throw context.error("attribute \(name) is not valid UTF-8")
    }
    return value
}

/// The value of integer attribute `name`; nil when the attribute is absent.
func readIntegerAttribute(_ object: hid_t, _ name: String, _ context: ErrorContext) throws(FormatError) -> Int64? {
    guard let attribute = try openSingleAttribute(object, name, context) else { return nil }
    defer { H5Aclose(attribute) }
    let fileType = H5Aget_type(attribute)
    guard fileType >= 0 else { throw context.hdf5Error("cannot read the type of attribute \(name)") }
    defer { H5Tclose(fileType) }
    guard H5Tget_class(fileType) == H5T_INTEGER else { throw context.error("attribute \(name) must be an integer") }
    var value: Int64 = 0
    guard H5Aread(attribute, zoo_h5t_native_long_long(), &value) >= 0 else {
        throw context.hdf5Error("cannot read attribute \(name)")
    }
    return value
}

/// The values of integer attribute `name`, a one-dimensional array of at most `maximumCount` elements; nil when
/// the attribute is absent.
func readIntegerArrayAttribute(_ object: hid_t, _ name: String, maximumCount: Int,
                               _ context: ErrorContext) throws(FormatError) -> [Int64]? {
    let exists = H5Aexists(object, name)
    guard exists >= 0 else { throw context.hdf5Error("cannot look up attribute \(name)") }
    guard exists > 0 else { return nil }
    let attribute = H5Aopen(object, name, zoo_h5p_default())
    guard attribute >= 0 else { throw context.hdf5Error("cannot open attribute \(name)") }
    defer { H5Aclose(attribute) }
    let space = H5Aget_space(attribute), fileType = H5Aget_type(attribute)
    defer {
        H5Sclose(space)
        H5Tclose(fileType)
    }
    guard space >= 0, fileType >= 0 else { throw context.hdf5Error("cannot read attribute \(name)") }
    guard H5Tget_class(fileType) == H5T_INTEGER else { throw context.error("attribute \(name) must be integers") }
    var count: hsize_t = 0
    guard H5Sget_simple_extent_type(space) == H5S_SIMPLE, H5Sget_simple_extent_ndims(space) == 1,
          H5Sget_simple_extent_dims(space, &count, nil) == 1 else {
        throw context.error("attribute \(name) must be a one-dimensional array")
    }
    guard count >= 1, count <= UInt64(maximumCount) else {
        throw context.error("attribute \(name) must hold 1 to \(maximumCount) values, not \(count)")
    }
    var values = [Int64](repeating: 0, count: Int(count))
    guard H5Aread(attribute, zoo_h5t_native_long_long(), &values) >= 0 else {
        throw context.hdf5Error("cannot read attribute \(name)")
    }
    return values
}

/// Writes a scalar attribute on `object` of `type` from `value`, which is in memory type `memoryType`.
private func writeScalarAttribute(_ object: hid_t, _ name: String, type: hid_t, memoryType: hid_t,
                                  value: UnsafeRawPointer, _ context: ErrorContext) throws(FormatError) {
    let space = H5Screate(H5S_SCALAR)
    guard space >= 0 else { throw context.hdf5Error("cannot create attribute \(name)") }
    defer { H5Sclose(space) }
    let attribute = H5Acreate2(object, name, type, space, zoo_h5p_default(), zoo_h5p_default())
    guard attribute >= 0 else { throw context.hdf5Error("cannot create attribute \(name)") }
    defer { H5Aclose(attribute) }
    guard H5Awrite(attribute, memoryType, value) >= 0 else { throw context.hdf5Error("cannot write attribute \(name)") }
}

/// Writes `value` as a fixed-length, null-padded ASCII string of exactly its length (what h5py writes for `bytes`).
func writeStringAttribute(_ object: hid_t, _ name: String, _ value: String, _ context: ErrorContext) throws(FormatError) {
    let bytes = Array(value.utf8)
    let type = H5Tcopy(zoo_h5t_c_s1())
    guard type >= 0 else { throw context.hdf5Error("cannot create attribute \(name)") }
    defer { H5Tclose(type) }
    guard H5Tset_size(type, bytes.count) >= 0, H5Tset_strpad(type, H5T_STR_NULLPAD) >= 0 else {
        throw context.hdf5Error("cannot create attribute \(name)")
    }
    try writeScalarAttribute(object, name, type: type, memoryType: type, value: bytes, context)
}

/// Writes `value` as a scalar little-endian 64-bit signed integer.
func writeIntegerAttribute(_ object: hid_t, _ name: String, _ value: Int64, _ context: ErrorContext) throws(FormatError) {
    var value = value
    try writeScalarAttribute(object, name, type: zoo_h5t_std_i64le(), memoryType: zoo_h5t_native_long_long(),
                             value: &value, context)
}

/// Writes `values` as a one-dimensional array of little-endian 64-bit signed integers.
func writeIntegerArrayAttribute(_ object: hid_t, _ name: String, _ values: [Int64],
                                _ context: ErrorContext) throws(FormatError) {
    var count = hsize_t(values.count)
    let space = H5Screate_simple(1, &count, nil)
    guard space >= 0 else { throw context.hdf5Error("cannot create attribute \(name)") }
    defer { H5Sclose(space) }
    let attribute = H5Acreate2(object, name, zoo_h5t_std_i64le(), space, zoo_h5p_default(), zoo_h5p_default())
    guard attribute >= 0 else { throw context.hdf5Error("cannot create attribute \(name)") }
    defer { H5Aclose(attribute) }
    guard H5Awrite(attribute, zoo_h5t_native_long_long(), values) >= 0 else {
        throw context.hdf5Error("cannot write attribute \(name)")
    }
}
