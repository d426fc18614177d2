// Block-type matrix-vector products and decoding: a portable version, and AVX2 and AVX-512 versions chosen at run
// time, so one build runs on any x86-64 (and other) CPU and uses the widest vectors the machine has.
//
// The matrix-vector kernels keep float32 activations: a block's quants are widened to float32 and multiplied with
// the inputs, the block's scale is applied once to the block's sum, and q4_1's offset m multiplies the sum of the
// block's inputs (computed once per call). Results differ from "decode the row, then dot" only by summation order.

#include "CZooKernels.h"
#include "float16.h"
#include "row_kernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ZOO_X86 1
#endif

static const size_t block_bytes[] = {34, 18, 20};

/// The dot product of one weight row of `blocks` blocks with x (for q4_1, `sums` holds the block sums of x).
typedef float (*row_dot)(zoo_block_type, const uint8_t *, int, const float *, const float *);

// ---------------------------------------------------------------------------------------------------------------
// Portable

float zoo_half_values[65536];

static void fill_half_values(void) {
    for (uint32_t h = 0; h < 65536; h++) zoo_half_values[h] = zoo_half_bits_to_float((uint16_t)h);
}

void zoo_half_values_fill(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, fill_half_values);
}

/// The float16 at `p`, widened exactly.
static inline float half_value(const uint8_t *p) { return zoo_half_values[zoo_load16(p)]; }

/// The 32 quants of a block as integers: for q4_0 already offset by −8.
static inline void block_quants(zoo_block_type type, const uint8_t *block, int32_t q[32]) {
    if (type == ZOO_BLOCK_Q8_0) {
        for (int i = 0; i < 32; i++) q[i] = (int8_t)block[2 + i];
        return;
    }
    const uint8_t *nibbles = block + (type == ZOO_BLOCK_Q4_1 ? 4 : 2);
    int32_t offset = type == ZOO_BLOCK_Q4_0 ? -8 : 0;
    for (int i = 0; i < 16; i++) {
        q[i] = (nibbles[i] & 0x0F) + offset;
        q[i + 16] = (nibbles[i] >> 4) + offset;
    }
}

static float dot_portable(zoo_block_type type, const uint8_t *row, int blocks, const float *x, const float *sums) {
    const size_t size = block_bytes[type];
    float total = 0, offsets = 0;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + size * b;
        int32_t q[32];
        block_quants(type, block, q);
        float s = 0;
        for (int i = 0; i < 32; i++) s += (float)q[i] * x[32 * b + i];
        total += s * half_value(block);
        if (type == ZOO_BLOCK_Q4_1) offsets += half_value(block + 2) * sums[b];
    }
    return total + offsets;
}

static void decode_portable(zoo_block_type type, const uint8_t *source, size_t blocks, float *out) {
    const size_t size = block_bytes[type];
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = source + size * b;
        int32_t q[32];
        block_quants(type, block, q);
        float d = half_value(block);
        if (type == ZOO_BLOCK_Q4_1) {
            float m = half_value(block + 2);
            for (int i = 0; i < 32; i++) out[32 * b + i] = (float)q[i] * d + m;
        } else {
            // No "+ 0": a zero quant with a negative scale is −0, as d·q is.
            for (int i = 0; i < 32; i++) out[32 * b + i] = (float)q[i] * d;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// AVX2 (8 float lanes)

#ifdef ZOO_X86
#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The quants of elements 8k…8k+7 of a block, widened to float32.
AVX2 static inline void quants8(zoo_block_type type, const uint8_t *block, __m256 out[4]) {
    if (type == ZOO_BLOCK_Q8_0) {
        for (int k = 0; k < 4; k++)
            out[k] = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(block + 2 + 8 * k))));
        return;
    }
    const uint8_t *nibbles = block + (type == ZOO_BLOCK_Q4_1 ? 4 : 2);
    const __m256i mask = _mm256_set1_epi32(0x0F);
    const __m256i offset = _mm256_set1_epi32(type == ZOO_BLOCK_Q4_0 ? 8 : 0);
    for (int k = 0; k < 2; k++) {
        __m256i n = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(nibbles + 8 * k)));
        out[k] = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_and_si256(n, mask), offset));
        out[k + 2] = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(n, 4), offset));
    }
}

AVX2 static float dot_avx2(zoo_block_type type, const uint8_t *row, int blocks, const float *x, const float *sums) {
    const size_t size = block_bytes[type];
    __m256 total = _mm256_setzero_ps();
    float offsets = 0;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + size * b;
        const float *in = x + 32 * b;
        __m256 q[4];
        quants8(type, block, q);
        __m256 s = _mm256_mul_ps(q[0], _mm256_loadu_ps(in));
        s = _mm256_fmadd_ps(q[1], _mm256_loadu_ps(in + 8), s);
        s = _mm256_fmadd_ps(q[2], _mm256_loadu_ps(in + 16), s);
        s = _mm256_fmadd_ps(q[3], _mm256_loadu_ps(in + 24), s);
        total = _mm256_fmadd_ps(s, _mm256_set1_ps(half_value(block)), total);
        if (type == ZOO_BLOCK_Q4_1) offsets += half_value(block + 2) * sums[b];
    }
    return sum8(total) + offsets;
}

AVX2 static void block_sums_avx2(const float *x, int blocks, float *sums) {
    for (int b = 0; b < blocks; b++) {
        const float *in = x + 32 * b;
        __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(in), _mm256_loadu_ps(in + 8)),
                                 _mm256_add_ps(_mm256_loadu_ps(in + 16), _mm256_loadu_ps(in + 24)));
        sums[b] = sum8(s);
    }
}

AVX2 static void decode_avx2(zoo_block_type type, const uint8_t *source, size_t blocks, float *out) {
    const size_t size = block_bytes[type];
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = source + size * b;
        __m256 q[4];
        quants8(type, block, q);
        __m256 d = _mm256_set1_ps(half_value(block));
        if (type == ZOO_BLOCK_Q4_1) {
            // d·n is exact in float32 (11 × 4 significant bits), so the fused form rounds exactly as d·n + m does.
            __m256 m = _mm256_set1_ps(half_value(block + 2));
            for (int k = 0; k < 4; k++) _mm256_storeu_ps(out + 32 * b + 8 * k, _mm256_fmadd_ps(q[k], d, m));
        } else {
            for (int k = 0; k < 4; k++) _mm256_storeu_ps(out + 32 * b + 8 * k, _mm256_mul_ps(q[k], d));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// AVX-512 (16 float lanes)

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

/// The quants of elements 0–15 and 16–31 of a block, widened to float32.
AVX512 static inline void quants16(zoo_block_type type, const uint8_t *block, __m512 *low, __m512 *high) {
    if (type == ZOO_BLOCK_Q8_0) {
        *low = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(block + 2))));
        *high = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(block + 18))));
        return;
    }
    // A nibble's float value is looked up in a 16-entry table: the permute reads only the low 4 bits of each
    // index, so the low nibbles need no mask, and the table holds q4_0's −8 offset.
    const uint8_t *nibbles = block + (type == ZOO_BLOCK_Q4_1 ? 4 : 2);
    const __m512 values = type == ZOO_BLOCK_Q4_0
        ? _mm512_setr_ps(-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7)
        : _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i n = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)nibbles));
    *low = _mm512_permutexvar_ps(n, values);
    *high = _mm512_permutexvar_ps(_mm512_srli_epi32(n, 4), values);
}

/// Two blocks per step into two accumulators, so that consecutive blocks' multiply-adds do not wait on each other.
AVX512 static inline float dot_avx512_typed(zoo_block_type type, const uint8_t *row, int blocks, const float *x,
                                            const float *sums) {
    const size_t size = block_bytes[type];
    __m512 total0 = _mm512_setzero_ps(), total1 = _mm512_setzero_ps();
    float offsets = 0;
    int b = 0;
    for (; b + 1 < blocks; b += 2) {
        const uint8_t *block0 = row + size * b, *block1 = block0 + size;
        const float *in = x + 32 * b;
        __m512 low0, high0, low1, high1;
        quants16(type, block0, &low0, &high0);
        quants16(type, block1, &low1, &high1);
        __m512 s0 = _mm512_fmadd_ps(high0, _mm512_loadu_ps(in + 16), _mm512_mul_ps(low0, _mm512_loadu_ps(in)));
        __m512 s1 = _mm512_fmadd_ps(high1, _mm512_loadu_ps(in + 48), _mm512_mul_ps(low1, _mm512_loadu_ps(in + 32)));
        total0 = _mm512_fmadd_ps(s0, _mm512_set1_ps(half_value(block0)), total0);
        total1 = _mm512_fmadd_ps(s1, _mm512_set1_ps(half_value(block1)), total1);
        if (type == ZOO_BLOCK_Q4_1)
            offsets += half_value(block0 + 2) * sums[b] + half_value(block1 + 2) * sums[b + 1];
    }
    for (; b < blocks; b++) {
        const uint8_t *block = row + size * b;
        const float *in = x + 32 * b;
        __m512 low, high;
        quants16(type, block, &low, &high);
        __m512 s = _mm512_fmadd_ps(high, _mm512_loadu_ps(in + 16), _mm512_mul_ps(low, _mm512_loadu_ps(in)));
        total0 = _mm512_fmadd_ps(s, _mm512_set1_ps(half_value(block)), total0);
        if (type == ZOO_BLOCK_Q4_1) offsets += half_value(block + 2) * sums[b];
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(total0, total1)) + offsets;
}

ZOO_ROW_DOTS(AVX512, dot_avx512, const float *, row_dot)

AVX512 static void block_sums_avx512(const float *x, int blocks, float *sums) {
    for (int b = 0; b < blocks; b++)
        sums[b] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_loadu_ps(x + 32 * b), _mm512_loadu_ps(x + 32 * b + 16)));
}

AVX512 static void decode_avx512(zoo_block_type type, const uint8_t *source, size_t blocks, float *out) {
    const size_t size = block_bytes[type];
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = source + size * b;
        __m512 low, high;
        quants16(type, block, &low, &high);
        __m512 d = _mm512_set1_ps(half_value(block));
        if (type == ZOO_BLOCK_Q4_1) {
            __m512 m = _mm512_set1_ps(half_value(block + 2));
            _mm512_storeu_ps(out + 32 * b, _mm512_fmadd_ps(low, d, m));
            _mm512_storeu_ps(out + 32 * b + 16, _mm512_fmadd_ps(high, d, m));
        } else {
            _mm512_storeu_ps(out + 32 * b, _mm512_mul_ps(low, d));
            _mm512_storeu_ps(out + 32 * b + 16, _mm512_mul_ps(high, d));
        }
    }
}
#endif

// ---------------------------------------------------------------------------------------------------------------
// Dispatch

static zoo_isa detect(void) {
    zoo_isa best = ZOO_ISA_PORTABLE;
#ifdef ZOO_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = ZOO_ISA_AVX2;
    if (best == ZOO_ISA_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        best = ZOO_ISA_AVX512;
#endif
    const char *cap = getenv("ZOO_KERNELS_ISA");
    if (cap) {
        zoo_isa limit = strcmp(cap, "portable") == 0 ? ZOO_ISA_PORTABLE
                        : strcmp(cap, "avx2") == 0   ? ZOO_ISA_AVX2
                                                     : ZOO_ISA_AVX512;
        if (limit < best) best = limit;
    }
    return best;
}

zoo_isa zoo_kernels_isa(void) {
    // Every thread computes the same value, so a race on first use is harmless.
    static volatile int chosen = -1;
    if (chosen < 0) chosen = (int)detect();
    return (zoo_isa)chosen;
}

/// sums[b] = Σ x[32b…32b+31], for q4_1's offsets. Every range of rows a thread takes recomputes them, so they are
/// summed a vector at a time: one long chain of scalar additions was 4% of a SmolLM2 decode step.
static void block_sums(zoo_isa isa, const float *x, int blocks, float *sums) {
#ifdef ZOO_X86
    if (isa == ZOO_ISA_AVX512) return block_sums_avx512(x, blocks, sums);
    if (isa == ZOO_ISA_AVX2) return block_sums_avx2(x, blocks, sums);
#endif
    (void)isa;
    for (int b = 0; b < blocks; b++) {
        float s = 0;
        for (int i = 0; i < 32; i++) s += x[32 * b + i];
        sums[b] = s;
    }
}

void zoo_block_matvec(zoo_block_type type, const void *weight, size_t row_bytes, int blocks, const float *x,
                      float *y, int first, int end) {
    zoo_block_matvec_isa(zoo_kernels_isa(), type, weight, row_bytes, blocks, x, y, first, end);
}

void zoo_block_matvec_isa(zoo_isa isa, zoo_block_type type, const void *weight, size_t row_bytes, int blocks,
                          const float *x, float *y, int first, int end) {
    zoo_half_values_fill();
    float sums[blocks > 0 ? blocks : 1];
    if (type == ZOO_BLOCK_Q4_1) block_sums(isa, x, blocks, sums);
    row_dot dot = dot_portable;
#ifdef ZOO_X86
    if (isa == ZOO_ISA_AVX512)
        dot = dot_avx512_for(type);
    else if (isa == ZOO_ISA_AVX2)
        dot = dot_avx2;
#endif
    const uint8_t *rows = weight;
    for (int r = first; r < end; r++) {
        prefetch_rows_ahead(rows, row_bytes, r, first, end);
        y[r] += dot(type, rows + row_bytes * (size_t)r, blocks, x, sums);
    }
}

void zoo_block_decode(zoo_block_type type, const void *source, size_t blocks, float *out) {
    zoo_block_decode_isa(zoo_kernels_isa(), type, source, blocks, out);
}

void zoo_block_decode_isa(zoo_isa isa, zoo_block_type type, const void *source, size_t blocks, float *out) {
    zoo_half_values_fill();
#ifdef ZOO_X86
    switch (isa) {
    case ZOO_ISA_AVX512: decode_avx512(type, source, blocks, out); return;
    case ZOO_ISA_AVX2: decode_avx2(type, source, blocks, out); return;
    case ZOO_ISA_PORTABLE: break;
    }
#endif
    (void)isa;
    decode_portable(type, source, blocks, out);
}
