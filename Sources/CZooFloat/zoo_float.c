#include "zoo_float.h"

#pragma clang diagnostic ignored "-Wpsabi"  // the 16-lane helpers are always inlined: no ABI crosses a call

typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
typedef uint16_t v16u16 __attribute__((vector_size(32)));
typedef _Float16 v16f16 __attribute__((vector_size(32)));
typedef int8_t v16i8 __attribute__((vector_size(16)));
// Every lane s: −0 + s is s exactly (for s = −0 too), so the compiler can drop the add and broadcast s alone.
#define splat(s) (-(v16f){0} + (s))

static float zoo_bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

static float zoo_f16_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000 | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {  // subnormal: normalise
        int shift = __builtin_clz(mantissa) - 21;
        bits = sign | ((uint32_t)(113 - shift) << 23) | (((mantissa << shift) & 0x3ff) << 13);
    }
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

// The least half-precision value at least d (0 ≤ d, finite), as its bits, and the value itself; +inf past the
// largest half.
static uint16_t zoo_half_at_least(float d, float *value) {
    uint32_t bits;
    __builtin_memcpy(&bits, &d, 4);
    int exponent = (int)(bits >> 23) - 127;
    uint32_t mantissa = bits & 0x7fffff;
    uint16_t h;
    if (d == 0) {
        h = 0;
    } else if (exponent >= -14) {  // a normal half: 10 of the 23 mantissa bits, rounded up
        if (exponent > 15) {
            *value = __builtin_inff();
            return 0x7c00;
        }
        h = (uint16_t)(((exponent + 15) << 10) | (mantissa >> 13));
        if (mantissa & 0x1fff) h++;  // a carry into the exponent gives the next binade's first value
    } else {  // a subnormal half: a multiple of 2^-24
        h = (uint16_t)__builtin_ceilf(d * 16777216.0f);
    }
    *value = zoo_f16_to_float(h);
    return h;
}

#if defined(__x86_64__)
#define ZOO_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define ZOO_NAME(name) name##_avx512
#define ZOO_HAS_F16C 1
#define ZOO_TILE_INPUTS 4  // 4 × 4 sums in 16 of the 32 vector registers
#include "kernels.inc"
#undef ZOO_TARGET
#undef ZOO_NAME
#undef ZOO_HAS_F16C
#undef ZOO_TILE_INPUTS

#define ZOO_TARGET __attribute__((target("avx2,fma,f16c")))
#define ZOO_NAME(name) name##_avx2
#define ZOO_HAS_F16C 1
#define ZOO_TILE_INPUTS 2  // a 16-lane vector takes two of the 16 registers
#include "kernels.inc"
#undef ZOO_TARGET
#undef ZOO_NAME
#undef ZOO_HAS_F16C
#undef ZOO_TILE_INPUTS
#endif

#define ZOO_TARGET
#define ZOO_NAME(name) name##_base
#define ZOO_HAS_F16C 0
#define ZOO_TILE_INPUTS 1
#include "kernels.inc"

// The widest vectors this CPU runs: 2 for AVX-512, 1 for AVX2 + FMA + F16C, 0 for the baseline. ZOO_SIMD=base
// or avx2 in the environment caps it (to test the narrower paths on a wider CPU).
static int zoo_level(void) {
    static int level = -1;
    if (level >= 0) return level;
    int found = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) found = 1;
    if (found && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        found = 2;
#endif
    const char *cap = getenv("ZOO_SIMD");
    if (cap && cap[0] == 'b') found = 0;
    if (cap && cap[0] == 'a' && found > 1) found = 1;
    level = found;
    return level;
}

int zoo_simd_level(void) { return zoo_level(); }

const char *zoo_simd_name(void) {
    static const char *names[] = {"baseline", "avx2", "avx512"};
    return names[zoo_level()];
}

#if defined(__x86_64__)
#define DISPATCH_AT(level, call)                            \
    switch (level) {                                        \
    case 2: call##_avx512 ARGS; return;                     \
    case 1: call##_avx2 ARGS; return;                       \
    default: call##_base ARGS; return;                      \
    }
#else
#define DISPATCH_AT(level, call) { (void)(level); call##_base ARGS; return; }
#endif
#define DISPATCH(call) DISPATCH_AT(zoo_level(), call)

#define ARGS (w, stride, x, n, out, rows)
void zoo_matvec_f32(const float *w, size_t stride, const float *x, size_t n, float *out, size_t rows) {
    DISPATCH(matvec_f32)
}
void zoo_matvec_f16(const uint16_t *w, size_t stride, const float *x, size_t n, float *out, size_t rows) {
    DISPATCH(matvec_f16)
}
void zoo_matvec_bf16(const uint16_t *w, size_t stride, const float *x, size_t n, float *out, size_t rows) {
    DISPATCH(matvec_bf16)
}
#undef ARGS
size_t zoo_matmul_packed_floats(size_t batch, size_t n) {
    size_t chunks = ((n & ~(size_t)15) + ZOO_MATMUL_CHUNK - 1) / ZOO_MATMUL_CHUNK;
    return (chunks ? chunks : 1) * ZOO_MATMUL_CHUNK * batch;
}

int zoo_matmul_packs(size_t n) { return n >= 16 && n * sizeof(float) % 4096 == 0; }

void zoo_matmul_pack(const float *x, size_t batch, size_t n, float *packed) {
    size_t whole = n & ~(size_t)15;
    for (size_t c = 0; c < whole; c += ZOO_MATMUL_CHUNK) {
        size_t len = whole - c < ZOO_MATMUL_CHUNK ? whole - c : ZOO_MATMUL_CHUNK;
        for (size_t b = 0; b < batch; b++)
            __builtin_memcpy(packed + c * batch + b * ZOO_MATMUL_CHUNK, x + b * n + c, len * sizeof(float));
    }
}

#define ARGS (w, stride, packed, x, batch, n, bias, out, out_stride, rows)
static void zoo_matmul_packed_at_level(int level, zoo_weight_type type, const void *weight, size_t stride,
                                       const float *packed, const float *x, size_t batch, size_t n, const float *bias,
                                       float *out, size_t out_stride, size_t rows) {
    if (type == ZOO_WEIGHT_F32) {
        const float *w = weight;
        DISPATCH_AT(level, matmul_f32)
    }
    const uint16_t *w = weight;
    if (type == ZOO_WEIGHT_F16) {
        DISPATCH_AT(level, matmul_f16)
    }
    DISPATCH_AT(level, matmul_bf16)
}
#undef ARGS
void zoo_matmul_packed(zoo_weight_type type, const void *w, size_t stride, const float *packed, const float *x,
                       size_t batch, size_t n, const float *bias, float *out, size_t out_stride, size_t rows) {
    zoo_matmul_packed_at_level(zoo_level(), type, w, stride, packed, x, batch, n, bias, out, out_stride, rows);
}
void zoo_matmul_at_level(int level, zoo_weight_type type, const void *w, size_t stride, const float *x, size_t batch,
                         size_t n, int pack, const float *bias, float *out, size_t out_stride, size_t rows) {
    float *packed = 0;
    if (pack) {
        packed = malloc(zoo_matmul_packed_floats(batch, n) * sizeof(float));
        if (!packed) abort();
        zoo_matmul_pack(x, batch, n, packed);
    }
    zoo_matmul_packed_at_level(level, type, w, stride, packed, x, batch, n, bias, out, out_stride, rows);
    free(packed);
}
#define ARGS (source, n, out)
void zoo_widen_at_level(int level, zoo_weight_type type, const void *weights, size_t n, float *out) {
    if (type == ZOO_WEIGHT_F32) {
        __builtin_memcpy(out, weights, n * sizeof(float));
        return;
    }
    const uint16_t *source = weights;
    if (type == ZOO_WEIGHT_F16) {
        DISPATCH_AT(level, widen_f16)
    }
    DISPATCH_AT(level, widen_bf16)
}
#undef ARGS
void zoo_widen(zoo_weight_type type, const void *weights, size_t n, float *out) {
    zoo_widen_at_level(zoo_level(), type, weights, n, out);
}
int zoo_screen_quantize(const float *w, size_t n, uint8_t *blocks, float *error, float *largest) {
    return zoo_screen_quantize_at_level(zoo_level(), w, n, blocks, error, largest);
}
int zoo_screen_quantize_at_level(int level, const float *w, size_t n, uint8_t *blocks, float *error, float *largest) {
    int finite = 0;
#define ARGS (w, n, blocks, error, largest, &finite)
#if defined(__x86_64__)
    switch (level) {
    case 2: screen_quantize_avx512 ARGS; break;
    case 1: screen_quantize_avx2 ARGS; break;
    default: screen_quantize_base ARGS; break;
    }
#else
    (void)level;
    screen_quantize_base ARGS;
#endif
#undef ARGS
    return finite;
}
#define ARGS (x, n)
void zoo_gelu_tanh(float *x, size_t n) { DISPATCH(gelu_tanh) }
void zoo_gelu_erf(float *x, size_t n) { DISPATCH(gelu_erf) }
void zoo_softmax(float *x, size_t n) { DISPATCH(softmax) }
#undef ARGS
#define ARGS (x, n, k)
void zoo_silu(float *x, size_t n, float k) { DISPATCH(silu) }
#undef ARGS
#define ARGS (x, gamma, beta, epsilon, n, out)
void zoo_layer_norm(const float *x, const float *gamma, const float *beta, float epsilon, size_t n, float *out) {
    DISPATCH(layer_norm)
}
#undef ARGS
#define ARGS (q, queries, keys, values, length, stride, dim, scale, bias, scores, out)
void zoo_attend_group(const float *q, size_t queries, const float *keys, const float *values, size_t length,
                      size_t stride, size_t dim, float scale, const float *bias, float *scores, float *out) {
    DISPATCH(attend_group)
}
#undef ARGS
