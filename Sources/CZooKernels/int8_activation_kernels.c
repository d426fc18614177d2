// Block-type matrix-vector products with int8 activations, llama.cpp's arithmetic for block weights: the input row
// is quantized per 32 values (ggml's quantize_row_q8_0 / q8_1 on x86: d = max|x| / 127 kept as float16, quants
// round(x · 127 / max|x|) to nearest, ties to even, and for q8_1 s = d · Σq kept as float16), and each block's dot
// product is an integer dot product of the weight's quants with the activation's, scaled by d_w · d_x in float32;
// q4_1's offset m multiplies the activation block's s. Portable, AVX2 and AVX-512 VNNI versions, chosen at run time.

#include "CZooKernels.h"
#include "float16.h"
#include "row_kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ZOO_X86 1
#endif

static const size_t block_bytes[] = {34, 18, 20};

/// The dot product of one weight row of `blocks` blocks with a quantized activation row (quants, then (d, s) pairs).
typedef float (*q8_row_dot)(zoo_block_type, const uint8_t *, int, const int8_t *, const float *);

size_t zoo_q8_activation_bytes(int blocks) { return (size_t)blocks * 40; }

/// `f` rounded to the nearest float16 value (ties to even), as F16C's conversion rounds it, returned as a float.
static inline float round_to_half(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    uint32_t sign = bits & 0x80000000u, magnitude = bits ^ sign;
    float a;
    memcpy(&a, &magnitude, 4);
    if (magnitude >= 0x7F800000u) return f;
    if (a >= 65520.0f) {
        a = INFINITY;
    } else if (a < 0x1p-14f) {
        a = nearbyintf(a * 0x1p24f) * 0x1p-24f;  // float16 subnormals are multiples of 2^-24
    } else {
        magnitude += 0xFFFu + ((magnitude >> 13) & 1);  // keep 11 significant bits, ties to even
        magnitude &= ~0x1FFFu;
        memcpy(&a, &magnitude, 4);
    }
    memcpy(&bits, &a, 4);
    bits |= sign;
    memcpy(&f, &bits, 4);
    return f;
}

static void quantize_portable(const float *x, int blocks, void *out) {
    int8_t *q = out;
    float *ds = (float *)((uint8_t *)out + 32 * (size_t)blocks);
    for (int b = 0; b < blocks; b++) {
        const float *in = x + 32 * b;
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = fmaxf(amax, fabsf(in[i]));
        const float d = amax / 127.f, id = amax != 0.0f ? 127.f / amax : 0.0f;
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            int v = (int)nearbyintf(in[i] * id);
            q[32 * b + i] = (int8_t)v;
            sum += v;
        }
        ds[2 * b] = round_to_half(d);
        ds[2 * b + 1] = round_to_half(d * (float)sum);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Portable

static float dot_portable(zoo_block_type type, const uint8_t *row, int blocks, const int8_t *q, const float *ds) {
    const size_t size = block_bytes[type];
    float total = 0, offsets = 0;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + size * b;
        const int8_t *a = q + 32 * b;
        int32_t s = 0;
        if (type == ZOO_BLOCK_Q8_0) {
            for (int i = 0; i < 32; i++) s += (int8_t)block[2 + i] * a[i];
        } else {
            const uint8_t *nibbles = block + (type == ZOO_BLOCK_Q4_1 ? 4 : 2);
            const int offset = type == ZOO_BLOCK_Q4_0 ? 8 : 0;
            for (int i = 0; i < 16; i++)
                s += ((nibbles[i] & 0x0F) - offset) * a[i] + ((nibbles[i] >> 4) - offset) * a[i + 16];
        }
        total += zoo_half_bits_to_float(zoo_load16(block)) * ds[2 * b] * (float)s;
        if (type == ZOO_BLOCK_Q4_1) offsets += zoo_half_bits_to_float(zoo_load16(block + 2)) * ds[2 * b + 1];
    }
    return total + offsets;
}

#ifdef ZOO_X86
// ---------------------------------------------------------------------------------------------------------------
// AVX2: 32 quants per step, u8 × s8 products summed in pairs to int16 (vpmaddubsw), then in pairs to int32.

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define AVX2_INLINE __attribute__((target("avx2,fma,f16c"), always_inline))

AVX2_INLINE static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The same quants, scales and sums as quantize_portable: the vector operations round the same way.
AVX2 static void quantize_avx2(const float *x, int blocks, void *out) {
    int8_t *q = out;
    float *ds = (float *)((uint8_t *)out + 32 * (size_t)blocks);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int b = 0; b < blocks; b++) {
        __m256 v[4];
        for (int k = 0; k < 4; k++) v[k] = _mm256_loadu_ps(x + 32 * b + 8 * k);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v[0]), _mm256_andnot_ps(sign, v[1])),
                                 _mm256_max_ps(_mm256_andnot_ps(sign, v[2]), _mm256_andnot_ps(sign, v[3])));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float d = amax / 127.f, id = amax != 0.0f ? 127.f / amax : 0.0f;
        __m256i i[4];
        for (int k = 0; k < 4; k++)
            i[k] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v[k], _mm256_set1_ps(id)),
                                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i total = _mm256_add_epi32(_mm256_add_epi32(i[0], i[1]), _mm256_add_epi32(i[2], i[3]));
        __m128i t = _mm_add_epi32(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
        t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(1, 0, 3, 2)));
        t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(2, 3, 0, 1)));
        // The packs interleave 128-bit lanes: the permutation puts the 32 bytes back in order.
        __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(i[0], i[1]), _mm256_packs_epi32(i[2], i[3]));
        bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)(q + 32 * b), bytes);
        ds[2 * b] = round_to_half(d);
        ds[2 * b + 1] = round_to_half(d * (float)_mm_cvtsi128_si32(t));
    }
}

/// The 32 weight quants of a block as bytes: q4 nibbles 0…15 (low nibbles first), q8_0 signed.
AVX2_INLINE static inline __m256i weight_bytes(zoo_block_type type, const uint8_t *block) {
    if (type == ZOO_BLOCK_Q8_0) return _mm256_loadu_si256((const __m256i *)(block + 2));
    __m128i n = _mm_loadu_si128((const __m128i *)(block + (type == ZOO_BLOCK_Q4_1 ? 4 : 2)));
    __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(n), _mm_srli_epi16(n, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// Σ w·a over 32 bytes as 8 int32 lanes. vpmaddubsw multiplies unsigned by signed bytes, so signed weights give
/// their magnitude and move their sign onto the activation (|w| ≤ 128, |a| ≤ 127: the int16 pair sums fit).
AVX2_INLINE static inline __m256i block_dot_avx2(zoo_block_type type, __m256i w, __m256i a) {
    if (type == ZOO_BLOCK_Q4_0) w = _mm256_sub_epi8(w, _mm256_set1_epi8(8));
    if (type != ZOO_BLOCK_Q4_1) {
        a = _mm256_sign_epi8(a, w);
        w = _mm256_sign_epi8(w, w);
    }
    return _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1));
}

AVX2 static inline float dot_avx2_typed(zoo_block_type type, const uint8_t *row, int blocks, const int8_t *q,
                                        const float *ds) {
    const size_t size = block_bytes[type];
    __m256 total = _mm256_setzero_ps();
    float offsets = 0;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + size * b;
        __m256i s = block_dot_avx2(type, weight_bytes(type, block), _mm256_loadu_si256((const __m256i *)(q + 32 * b)));
        float scale = _cvtsh_ss(zoo_load16(block)) * ds[2 * b];
        total = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(scale), total);
        if (type == ZOO_BLOCK_Q4_1) offsets += _cvtsh_ss(zoo_load16(block + 2)) * ds[2 * b + 1];
    }
    return hsum8(total) + offsets;
}

ZOO_ROW_DOTS(AVX2, dot_avx2, const int8_t *, q8_row_dot)

// ---------------------------------------------------------------------------------------------------------------
// AVX-512 VNNI: two blocks (64 quants) per vpdpbusd, u8 × s8 products summed in fours straight into int32.

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"), always_inline))
#define VNNI_CALLABLE __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

/// Two blocks' weight quants as 64 bytes, block0's 32 then block1's.
VNNI static inline __m512i weight_bytes2(zoo_block_type type, const uint8_t *block0, const uint8_t *block1) {
    if (type == ZOO_BLOCK_Q8_0)
        return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(block0 + 2))),
                                  _mm256_loadu_si256((const __m256i *)(block1 + 2)), 1);
    // [n0, n0, n1, n1] by broadcast loads, then the second and fourth copies shifted to their high nibbles: no
    // shuffles, which would all compete for one execution port.
    const size_t at = type == ZOO_BLOCK_Q4_1 ? 4 : 2;
    __m512i n = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(block0 + at)));
    n = _mm512_mask_broadcast_i32x4(n, 0xFF00, _mm_loadu_si128((const __m128i *)(block1 + at)));
    n = _mm512_mask_srli_epi16(n, 0xFF00FF00, n, 4);
    return _mm512_and_si512(n, _mm512_set1_epi8(0x0F));
}

/// Σ w·a per 4 bytes. Signed weights (q8_0, and q4_0 after −8) give their magnitude and their sign to the activation.
VNNI static inline __m512i block_dot_vnni(zoo_block_type type, __m512i w, __m512i a) {
    if (type == ZOO_BLOCK_Q4_0) w = _mm512_sub_epi8(w, _mm512_set1_epi8(8));
    if (type != ZOO_BLOCK_Q4_1) {
        __mmask64 negative = _mm512_movepi8_mask(w);
        a = _mm512_mask_sub_epi8(a, negative, _mm512_setzero_si512(), a);
        w = _mm512_abs_epi8(w);
    }
    return _mm512_dpbusd_epi32(_mm512_setzero_si512(), w, a);
}

/// The float16 words at the start of two blocks (d, and for q4_1 m) times the activations' (d, s) pairs:
/// [d_w0·d_x0, m_w0·s_x0, d_w1·d_x1, m_w1·s_x1] (for q8_0 and q4_0 the m lanes are 0).
VNNI static inline __m128 block_scales2(zoo_block_type type, const uint8_t *block0, const uint8_t *block1,
                                        const float *ds) {
    uint32_t w0, w1;
    if (type == ZOO_BLOCK_Q4_1) {
        memcpy(&w0, block0, 4);
        memcpy(&w1, block1, 4);
    } else {
        w0 = zoo_load16(block0);
        w1 = zoo_load16(block1);
    }
    __m128 weights = _mm_cvtph_ps(_mm_set_epi32(0, 0, (int)w1, (int)w0));
    return _mm_mul_ps(weights, _mm_loadu_ps(ds));
}

VNNI static inline float dot_vnni_typed(zoo_block_type type, const uint8_t *row, int blocks, const int8_t *q,
                                        const float *ds) {
    const size_t size = block_bytes[type];
    const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2);
    __m512 total = _mm512_setzero_ps();
    __m128 offsets = _mm_setzero_ps();
    int b = 0;
    for (; b + 1 < blocks; b += 2) {
        const uint8_t *block0 = row + size * b, *block1 = block0 + size;
        __m512i s = block_dot_vnni(type, weight_bytes2(type, block0, block1),
                                   _mm512_loadu_si512((const void *)(q + 32 * b)));
        __m128 scales = block_scales2(type, block0, block1, ds + 2 * b);
        total = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(scales)),
                                total);
        if (type == ZOO_BLOCK_Q4_1) offsets = _mm_add_ps(offsets, scales);
    }
    float result = _mm512_reduce_add_ps(total);
    if (type == ZOO_BLOCK_Q4_1) {
        float lanes[4];
        _mm_storeu_ps(lanes, offsets);
        result += lanes[1] + lanes[3];
    }
    if (b < blocks) {
        const uint8_t *block = row + size * b;
        __m256i s = block_dot_avx2(type, weight_bytes(type, block), _mm256_loadu_si256((const __m256i *)(q + 32 * b)));
        result += hsum8(_mm256_cvtepi32_ps(s)) * (_cvtsh_ss(zoo_load16(block)) * ds[2 * b]);
        if (type == ZOO_BLOCK_Q4_1) result += _cvtsh_ss(zoo_load16(block + 2)) * ds[2 * b + 1];
    }
    return result;
}

ZOO_ROW_DOTS(VNNI_CALLABLE, dot_vnni, const int8_t *, q8_row_dot)

static int has_vnni(void) {
    static volatile int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512vnni") ? 1 : 0;
    }
    return known;
}
#endif

// ---------------------------------------------------------------------------------------------------------------
// Dispatch

void zoo_q8_quantize(const float *x, int blocks, void *out) {
    zoo_q8_quantize_isa(zoo_kernels_isa(), x, blocks, out);
}

void zoo_q8_quantize_isa(zoo_isa isa, const float *x, int blocks, void *out) {
#ifdef ZOO_X86
    if (isa >= ZOO_ISA_AVX2) return quantize_avx2(x, blocks, out);
#endif
    (void)isa;
    quantize_portable(x, blocks, out);
}

void zoo_q8_with_quantized(const float *x, int blocks, void (*run)(void *context, const void *quantized),
                           void *context) {
    unsigned char quantized[zoo_q8_activation_bytes(blocks)] __attribute__((aligned(64)));
    zoo_q8_quantize(x, blocks, quantized);
    run(context, quantized);
}

void zoo_q8_matvec(zoo_block_type type, const void *weight, size_t row_bytes, int blocks, const void *xq,
                   float *y, int first, int end) {
    zoo_q8_matvec_isa(zoo_kernels_isa(), type, weight, row_bytes, blocks, xq, y, first, end);
}

/// One row at a time: interleaving two rows to share the activation's loads made the weights' memory stream
/// slower (q8_0 at GPT-2's shapes took three times as long).
void zoo_q8_matvec_isa(zoo_isa isa, zoo_block_type type, const void *weight, size_t row_bytes, int blocks,
                       const void *xq, float *y, int first, int end) {
    const uint8_t *rows = weight;
    const int8_t *q = xq;
    const float *ds = (const float *)((const uint8_t *)xq + 32 * (size_t)blocks);
    q8_row_dot dot = dot_portable;
#ifdef ZOO_X86
    if (isa == ZOO_ISA_AVX512 && has_vnni())
        dot = dot_vnni_for(type);
    else if (isa >= ZOO_ISA_AVX2)
        dot = dot_avx2_for(type);
#endif
    (void)isa;
    for (int r = first; r < end; r++) {
        prefetch_rows_ahead(rows, row_bytes, r, first, end);
        y[r] += dot(type, rows + row_bytes * (size_t)r, blocks, q, ds);
    }
}
