// Functions over HDF5's predefined ids, which the C headers give as macros that read library globals after
// H5open(); Swift imports neither macros with casts nor such globals.
#ifndef ZOO_HDF5_H
#define ZOO_HDF5_H

#include <hdf5/serial/hdf5.h>
#include <stddef.h>

// Opens the library and turns off its automatic printing of error stacks; errors are read with
// zoo_h5_error_message instead. Returns a negative value on failure.
int zoo_h5_open(void);

// Writes the most specific message of the current error stack into buf (NUL-terminated), then clears the stack.
void zoo_h5_error_message(char *buf, size_t size);

hid_t zoo_h5p_default(void);
hid_t zoo_h5s_all(void);
unsigned zoo_h5f_acc_rdonly(void);
unsigned zoo_h5f_acc_excl(void);
hid_t zoo_h5p_file_access(void);
hid_t zoo_h5p_file_create(void);
hid_t zoo_h5p_dataset_create(void);

hid_t zoo_h5t_ieee_f32le(void);
hid_t zoo_h5t_std_u8le(void);
hid_t zoo_h5t_std_u16le(void);
hid_t zoo_h5t_std_i32le(void);
hid_t zoo_h5t_std_i64le(void);
hid_t zoo_h5t_native_int(void);
hid_t zoo_h5t_native_long_long(void);
hid_t zoo_h5t_native_float(void);
hid_t zoo_h5t_native_double(void);
hid_t zoo_h5t_c_s1(void);

// New little-endian IEEE-style float types of 16 bits; the caller closes them with H5Tclose.
// float16: sign bit 15, exponent bits 10-14 (bias 15), mantissa bits 0-9.
hid_t zoo_h5t_create_float16(void);
// bfloat16: sign bit 15, exponent bits 7-14 (bias 127), mantissa bits 0-6.
hid_t zoo_h5t_create_bfloat16(void);

haddr_t zoo_haddr_undef(void);

// Makes `access` (a file access property list) open the file from `image`, `size` bytes that stay valid and
// unchanged while the file is open (a read-only mapping of it), through the in-memory driver: libhdf5 then reads
// the image where it lies, never copying it and never reading the file another way. Open the file read-only.
// Returns a negative value on failure.
herr_t zoo_h5p_lend_image(hid_t access, const void *image, size_t size);

#endif
