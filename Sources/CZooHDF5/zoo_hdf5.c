#include "zoo_hdf5.h"
#include <string.h>
#include <stdio.h>

int zoo_h5_open(void) {
    if (H5open() < 0) return -1;
    return H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0 ? -1 : 0;
}

struct last_error { char *buf; size_t size; };

// The walk goes from the innermost frame outward when H5E_WALK_UPWARD is used; the first frame names the cause.
static herr_t take_first(unsigned n, const H5E_error2_t *err, void *data) {
    struct last_error *out = data;
    if (n == 0 && err->desc != NULL) {
        char minor[128] = "";
        H5Eget_msg(err->min_num, NULL, minor, sizeof minor);
        if (minor[0] != '\0')
            snprintf(out->buf, out->size, "%s (%s)", err->desc, minor);
        else
            snprintf(out->buf, out->size, "%s", err->desc);
    }
    return 0;
}

void zoo_h5_error_message(char *buf, size_t size) {
    if (size == 0) return;
    buf[0] = '\0';
    struct last_error out = { buf, size };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &out);
    H5Eclear2(H5E_DEFAULT);
    if (buf[0] == '\0') snprintf(buf, size, "unknown HDF5 error");
}

hid_t zoo_h5p_default(void) { return H5P_DEFAULT; }
hid_t zoo_h5s_all(void) { return H5S_ALL; }
unsigned zoo_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned zoo_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
hid_t zoo_h5p_file_access(void) { return H5P_FILE_ACCESS; }
hid_t zoo_h5p_file_create(void) { return H5P_FILE_CREATE; }
hid_t zoo_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }

hid_t zoo_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t zoo_h5t_std_u8le(void) { return H5T_STD_U8LE; }
hid_t zoo_h5t_std_u16le(void) { return H5T_STD_U16LE; }
hid_t zoo_h5t_std_i32le(void) { return H5T_STD_I32LE; }
hid_t zoo_h5t_std_i64le(void) { return H5T_STD_I64LE; }
hid_t zoo_h5t_native_int(void) { return H5T_NATIVE_INT; }
hid_t zoo_h5t_native_long_long(void) { return H5T_NATIVE_LLONG; }
hid_t zoo_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t zoo_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t zoo_h5t_c_s1(void) { return H5T_C_S1; }

static hid_t create_float16_layout(size_t epos, size_t esize, size_t msize, size_t ebias) {
    hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    if (t < 0) return t;
    // Order matters: shrink the fields before the size, or HDF5 rejects the size as too small for them.
    if (H5Tset_fields(t, 15, epos, esize, 0, msize) < 0 || H5Tset_size(t, 2) < 0 ||
        H5Tset_ebias(t, ebias) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

hid_t zoo_h5t_create_float16(void) { return create_float16_layout(10, 5, 10, 15); }
hid_t zoo_h5t_create_bfloat16(void) { return create_float16_layout(7, 8, 7, 127); }

haddr_t zoo_haddr_undef(void) { return HADDR_UNDEF; }

// The file image callbacks of zoo_h5p_lend_image. libhdf5 asks for a buffer and copies the image into it when the
// image is set on the property list, when the list is copied and when the file opens; every buffer asked for here
// is the lent image itself (udata), so each of those copies is from the image onto itself and is skipped. A read-only
// open never grows the image. Nothing is allocated, so nothing is freed.
static void *lent_image(size_t size, H5FD_file_image_op_t op, void *image) {
    (void)size;
    (void)op;
    return image;
}

static void *lent_copy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *image) {
    (void)size;
    (void)op;
    return dest == image && src == image ? dest : NULL;
}

static void *lent_resize(void *ptr, size_t size, H5FD_file_image_op_t op, void *image) {
    (void)ptr;
    (void)size;
    (void)op;
    (void)image;
    return NULL;
}

static herr_t lent_release(void *ptr, H5FD_file_image_op_t op, void *image) {
    (void)op;
    return ptr == image ? 0 : -1;
}

static void *lent_udata_copy(void *image) { return image; }
static herr_t lent_udata_free(void *image) {
    (void)image;
    return 0;
}

herr_t zoo_h5p_lend_image(hid_t access, const void *image, size_t size) {
    H5FD_file_image_callbacks_t callbacks = {lent_image, lent_copy, lent_resize, lent_release, lent_udata_copy,
                                             lent_udata_free, (void *)image};
    if (H5Pset_fapl_core(access, 1 << 20, 0) < 0) return -1;
    if (H5Pset_file_image_callbacks(access, &callbacks) < 0) return -1;
    return H5Pset_file_image(access, (void *)image, size);
}
