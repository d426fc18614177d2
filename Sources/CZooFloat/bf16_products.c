#include "zoo_float.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Fewer input rows than ZOO_BF16_DOT_ROWS take dot-product tiles; more take the panel kernel, whose packing of the
// weight rows pays off over many input rows (BERT-base, bfloat16: the tiles were faster up to 96 rows, 30 against
// 41 ms at 32, level at 128, and slower from 256, 383–403 against 330 ms at 512): MR input rows × NR weight rows of
// sums (27 of the 32 vector registers), over KC columns at a time. 9 × 48 ran a 1024 × 768 × 3072 product at
// 415 GFLOP/s on two cores, 14 × 32 at 381, 6 × 64 at 407.
#define DOT_ROWS ZOO_BF16_DOT_ROWS
#define MR 9
#define NR ZOO_BF16_PANEL
#define NV (NR / 16)
#define KC 768
// How far ahead of the dot tiles the weight rows are prefetched: two 4-row tiles of BERT-base's 768 columns. Without
// it the tiles streamed 7 GB/s per core from memory, with it 9.4.
#define PREFETCH_BYTES 12288

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

// Input rows go into the packed buffer in blocks: 4 rows for the dot tiles, MR for the panel kernel.
static size_t block_rows(size_t rows) { return rows < DOT_ROWS ? 4 : MR; }

static size_t padded_columns(size_t n) { return round_up(n, 32); }

size_t zoo_bf16_row_blocks(size_t rows) { return round_up(rows, block_rows(rows)) / block_rows(rows); }

size_t zoo_bf16_packed_elements(size_t rows, size_t n) {
    return zoo_bf16_row_blocks(rows) * block_rows(rows) * padded_columns(n);
}

uint16_t zoo_bf16_round_one(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    if ((bits & 0x7f800000) == 0) return (uint16_t)((bits >> 16) & 0x8000);            // zero or subnormal: ±0
    if ((bits & 0x7fffffff) > 0x7f800000) return (uint16_t)((bits >> 16) | 0x40);      // NaN: quiet
    return (uint16_t)((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);                     // to nearest, ties to even
}

#if defined(__x86_64__)
#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))

BF16_TARGET static void round_avx512(const float *x, size_t n, uint16_t *out) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(out + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 mask = (__mmask16)((1u << (n - i)) - 1);
        __m256bh rounded = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + i));
        _mm256_mask_storeu_epi16(out + i, mask, (__m256i)rounded);
    }
}
#endif

int zoo_bf16_dot_available(void) {
    static int available = -1;
    if (available < 0) {
#if defined(__x86_64__)
        __builtin_cpu_init();
        available = zoo_simd_level() == 2 && __builtin_cpu_supports("avx512bf16");
#else
        available = 0;
#endif
    }
    return available;
}

void zoo_bf16_round(const float *x, size_t n, uint16_t *out) {
#if defined(__x86_64__)
    if (zoo_bf16_dot_available()) return round_avx512(x, n, out);
#endif
    for (size_t i = 0; i < n; i++) out[i] = zoo_bf16_round_one(x[i]);
}

void zoo_bf16_pack(const float *x, size_t rows, size_t n, size_t first, size_t count, uint16_t *packed) {
    size_t stride = padded_columns(n), height = block_rows(rows);
    size_t begin = first * height, end = (first + count) * height;
    if (rows < DOT_ROWS) {  // row after row
        for (size_t r = begin; r < end; r++) {
            size_t filled = r < rows ? n : 0;
            if (filled) zoo_bf16_round(x + r * n, n, packed + r * stride);
            memset(packed + r * stride + filled, 0, (stride - filled) * 2);
        }
        return;
    }
    // Blocks of MR rows, column pair after column pair: [block][pair][MR] pairs, which the panel kernel broadcasts
    // from one pointer.
    size_t pairs = stride / 2;
    uint32_t *blocks = (uint32_t *)packed;
    uint16_t *row = calloc(stride, 2);
    for (size_t r = begin; r < end; r++) {
        if (r < rows) zoo_bf16_round(x + r * n, n, row);
        else memset(row, 0, n * 2);
        uint32_t *block = blocks + r / MR * pairs * MR + r % MR;
        for (size_t p = 0; p < pairs; p++) memcpy(block + p * MR, row + 2 * p, 4);
    }
    free(row);
}

#if defined(__x86_64__)
// 4 weight rows × 4 input rows of dot products over n columns (the inputs zero past n, the weights read masked there),
// plus the bias (or 0) into out[j·ldo + i] for the first `inputs` input rows and `weights` weight rows.
BF16_TARGET static void dot_tile(const uint16_t *const w[4], const uint16_t *x, size_t stride, size_t n,
                                 const float *bias, float *out, size_t ldo, int weights, int inputs) {
    // The loops over the tile are unrolled so that its sums stay in registers.
    __m512 acc[4][4];
#pragma clang loop unroll(full)
    for (int i = 0; i < 4; i++)
#pragma clang loop unroll(full)
        for (int j = 0; j < 4; j++) acc[i][j] = _mm512_setzero_ps();
    for (size_t k = 0; k < n; k += 32) {
        __mmask32 mask = n - k >= 32 ? ~(__mmask32)0 : (__mmask32)((1u << (n - k)) - 1);
        __m512bh wv[4];
#pragma clang loop unroll(full)
        for (int i = 0; i < 4; i++) {
            wv[i] = (__m512bh)_mm512_maskz_loadu_epi16(mask, w[i] + k);
            _mm_prefetch((const char *)(w[i] + k) + PREFETCH_BYTES, _MM_HINT_T0);
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < 4; j++) {
            __m512bh xv = (__m512bh)_mm512_loadu_si512(x + j * stride + k);
#pragma clang loop unroll(full)
            for (int i = 0; i < 4; i++) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], wv[i], xv);
        }
    }
    // Sixteen vectors to one of their sums, lane 4j + i the sum of acc[i][j]: pairs of lanes, then pairs of pairs,
    // then 128-bit quarters.
    __m512 pairs[8], quads[4], halves[2];
    for (int v = 0; v < 8; v++) {
        __m512 a = acc[(2 * v) % 4][(2 * v) / 4], b = acc[(2 * v + 1) % 4][(2 * v + 1) / 4];
        pairs[v] = _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
    }
    for (int u = 0; u < 4; u++) {
        __m512d a = _mm512_castps_pd(pairs[2 * u]), b = _mm512_castps_pd(pairs[2 * u + 1]);
        quads[u] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)),
                                 _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
    }
    for (int t = 0; t < 2; t++)
        halves[t] = _mm512_add_ps(_mm512_shuffle_f32x4(quads[2 * t], quads[2 * t + 1], 0x88),
                                  _mm512_shuffle_f32x4(quads[2 * t], quads[2 * t + 1], 0xdd));
    float sums[16];
    _mm512_storeu_ps(sums, _mm512_add_ps(_mm512_shuffle_f32x4(halves[0], halves[1], 0x88),
                                         _mm512_shuffle_f32x4(halves[0], halves[1], 0xdd)));
    for (int j = 0; j < inputs; j++)
        for (int i = 0; i < weights; i++) out[j * ldo + i] = (bias ? bias[i] : 0) + sums[4 * j + i];
}

BF16_TARGET static void dot_product(const uint16_t *x, size_t rows, size_t n, const uint16_t *w, size_t count,
                                    const float *bias, float *out, size_t ldo) {
    size_t stride = padded_columns(n);
    for (size_t o = 0; o < count; o += 4) {
        int weights = count - o < 4 ? (int)(count - o) : 4;
        const uint16_t *tile[4];
        for (int i = 0; i < 4; i++) tile[i] = w + (o + (size_t)(i < weights ? i : weights - 1)) * n;
        for (size_t r = 0; r < rows; r += 4)
            dot_tile(tile, x + r * stride, stride, n, bias ? bias + o : NULL, out + r * ldo + o, ldo, weights,
                     rows - r < 4 ? (int)(rows - r) : 4);
    }
}

// Weight rows o..o+nr (nr ≤ NR; the rest zeros) over columns k0..<k1 as panel[p][j]: the pair of columns
// k0 + 2p, k0 + 2p + 1 of row j (its second half zero past k1).
static void pack_panel(const uint16_t *w, size_t n, size_t nr, size_t k0, size_t k1, uint32_t *panel) {
    size_t pairs = (k1 - k0 + 1) / 2, whole = (k1 - k0) / 2;
    for (size_t j = 0; j < NR; j++) {
        if (j < nr) {
            const uint16_t *row = w + j * n + k0;
            for (size_t p = 0; p < whole; p++) memcpy(panel + p * NR + j, row + 2 * p, 4);
            if (whole < pairs) panel[whole * NR + j] = row[2 * whole];
        } else {
            for (size_t p = 0; p < pairs; p++) panel[p * NR + j] = 0;
        }
    }
}

// A block of MR input rows ([pair][MR]) × the panel's NR weight rows over `pairs` column pairs, into out for the
// first `inputs` rows and `weights` columns: added to what it holds, or for the first columns, to the bias (or 0).
BF16_TARGET static void panel_kernel(const uint32_t *a, const uint32_t *panel, size_t pairs, int first,
                                     const float *bias, float *out, size_t ldo, int inputs, int weights) {
    // The loops over the rows are unrolled so that the sums stay in registers. The sums start from the first pair's
    // products: zeroing them first became a call to memset on an array on the stack, with its vzeroupper.
    __m512 acc[MR][NV];
#define PANEL_PAIR(p, START)                                                                                \
    {                                                                                                       \
        __m512bh b[NV];                                                                                     \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                                     \
            b[v] = (__m512bh)_mm512_load_si512(panel + (p) * NR + 16 * v);                                  \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                                   \
            __m512bh ai = (__m512bh)_mm512_set1_epi32((int)a[(p) * MR + i]);                                \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                                 \
                acc[i][v] = _mm512_dpbf16_ps(START, ai, b[v]);                                              \
        }                                                                                                   \
    }
    PANEL_PAIR(0, _mm512_setzero_ps())
    for (size_t p = 1; p < pairs; p++) PANEL_PAIR(p, acc[i][v])
#undef PANEL_PAIR
    __mmask16 masks[NV];
    for (int v = 0; v < NV; v++) {
        int left = weights - 16 * v;
        masks[v] = left >= 16 ? 0xffff : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
    }
    for (int i = 0; i < inputs; i++)
        for (int v = 0; v < NV; v++) {
            float *sums = out + i * ldo + 16 * v;
            __m512 base = !first ? _mm512_maskz_loadu_ps(masks[v], sums)
                          : bias ? _mm512_maskz_loadu_ps(masks[v], bias + 16 * v) : _mm512_setzero_ps();
            _mm512_mask_storeu_ps(sums, masks[v], _mm512_add_ps(base, acc[i][v]));
        }
}

BF16_TARGET static void panel_product(const uint16_t *x, size_t rows, size_t n, const uint16_t *w, size_t count,
                                      const float *bias, float *out, size_t ldo) {
    _Alignas(64) uint32_t panel[KC / 2 * NR];
    size_t stride = padded_columns(n);
    const uint32_t *a = (const uint32_t *)x;
    for (size_t o = 0; o < count; o += NR) {
        size_t nr = count - o < NR ? count - o : NR;
        for (size_t k0 = 0; k0 < n; k0 += KC) {
            size_t k1 = n - k0 < KC ? n : k0 + KC, pairs = (k1 - k0 + 1) / 2;
            pack_panel(w + o * n, n, nr, k0, k1, panel);
            for (size_t r = 0; r < rows; r += MR)
                panel_kernel(a + r * (stride / 2) + k0 / 2 * MR, panel, pairs, k0 == 0, bias ? bias + o : NULL,
                             out + r * ldo + o, ldo, rows - r < MR ? (int)(rows - r) : MR, (int)nr);
        }
    }
}
#endif

void zoo_bf16_matmul(const uint16_t *packed, size_t rows, size_t n, const uint16_t *w, size_t count,
                     const float *bias, float *out, size_t ldo) {
#if defined(__x86_64__)
    if (rows < DOT_ROWS) return dot_product(packed, rows, n, w, count, bias, out, ldo);
    return panel_product(packed, rows, n, w, count, bias, out, ldo);
#else
    (void)packed, (void)rows, (void)n, (void)w, (void)count, (void)bias, (void)out, (void)ldo;
    abort();
#endif
}
