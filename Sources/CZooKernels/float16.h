// Float16 scalars of the block formats (a block's scale d, and q4_1's offset m), shared by the kernels of this target.
#ifndef ZOO_KERNELS_FLOAT16_H
#define ZOO_KERNELS_FLOAT16_H

#include <stdint.h>
#include <string.h>

/// The 16 bits at `p`, at any alignment.
static inline uint16_t zoo_load16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return h;
}

/// Float16 bits widened exactly: exponent and mantissa moved into float32's fields and scaled by 2^112 (the
/// difference of the biases) gives normal and subnormal values; infinity and NaN get their exponent set.
static inline float zoo_half_bits_to_float(uint16_t h) {
    uint32_t magnitude = (uint32_t)(h & 0x7FFF) << 13, bits;
    float value;
    memcpy(&value, &magnitude, 4);
    value *= 0x1p112f;
    memcpy(&bits, &value, 4);
    if (magnitude >= 0x0F800000) bits = magnitude | 0x7F800000;
    bits |= (uint32_t)(h & 0x8000) << 16;
    memcpy(&value, &bits, 4);
    return value;
}

/// Every float16 bit pattern's float32 value (256 KB), for kernels that widen one scale per block: a table load
/// costs them less than an F16C conversion and broadcast, which bounded the float-activation block products.
/// Read it only after `zoo_half_values_fill()` has returned.
extern float zoo_half_values[65536];
/// Fills `zoo_half_values` on the first call (from any thread); later calls return at once.
void zoo_half_values_fill(void);

#endif
