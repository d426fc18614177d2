#ifndef ZOO_FLOAT_H
#define ZOO_FLOAT_H

// Float32 kernels of the decode and encoder paths, written in C so that the AVX-512 / AVX2 versions can be
// chosen at run time (`__builtin_cpu_supports`): the package builds for the baseline x86-64 and uses the wider
// vectors only on a CPU that has them.

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/// A pause hint for spin-wait loops (lets the sibling hyperthread run, saves power).
static inline void zoo_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Which vector width the kernels below run with on this CPU: "avx512", "avx2" or "baseline".
const char *zoo_simd_name(void);
/// The same as a number: 2 for AVX-512, 1 for AVX2, 0 for the baseline.
int zoo_simd_level(void);

/// out[r] += Σ_i w[r·stride + i] · x[i] for r in 0..<rows: the decode-time matrix-vector product over weight rows
/// stored as float32, float16 (IEEE half) or bfloat16, read once and never expanded in memory.
void zoo_matvec_f32(const float *w, size_t stride, const float *x, size_t n, float *out, size_t rows);
void zoo_matvec_f16(const uint16_t *w, size_t stride, const float *x, size_t n, float *out, size_t rows);
void zoo_matvec_bf16(const uint16_t *w, size_t stride, const float *x, size_t n, float *out, size_t rows);

/// The screening passes of a search for the k largest of exact values, given approximate values a[i] each within
/// margin[i] = norm · coefficient[i] + constant of the exact one. `zoo_screen_kth`: the k-th largest a[i] − margin[i]
/// (1 ≤ k ≤ rows; `heap` is scratch for k doubles), which at least k exact values reach; −∞ or NaN when the values
/// are not all ordered numbers. `zoo_screen_candidates`: the rows whose a[i] + margin[i] reach `threshold`, which
/// include every row whose exact value is at least the k-th largest, their indices written to `candidates` up to
/// `capacity`; returns how many rows qualified, which may exceed `capacity`.
double zoo_screen_kth(const float *approximate, const float *coefficient, size_t rows, double norm, double constant,
                      size_t k, double *heap);
size_t zoo_screen_candidates(const float *approximate, const float *coefficient, size_t rows, double norm,
                             double constant, double threshold, int32_t *candidates, size_t capacity);

/// Quantizes n floats (n a multiple of 32) to Q8_0 blocks at `blocks` (34 bytes each: a half-precision scale, the
/// least half at least max|w|/127 of the block, then 32 int8), and gives the largest |w − ŵ| (ŵ the block's value)
/// and the largest |w|. Returns 0 when a value is not finite (the figures then mean nothing).
int zoo_screen_quantize(const float *w, size_t n, uint8_t *blocks, float *error, float *largest);
/// The same with the vectors of `level` (see zoo_matmul_at_level), for tests.
int zoo_screen_quantize_at_level(int level, const float *w, size_t n, uint8_t *blocks, float *error, float *largest);

/// Input rows the small-batch product takes at most.
#define ZOO_MATMUL_BATCH 16

typedef enum { ZOO_WEIGHT_F32 = 0, ZOO_WEIGHT_F16 = 1, ZOO_WEIGHT_BF16 = 2 } zoo_weight_type;

/// Columns of the input rows the small-batch product dots with a weight block at a time (see zoo_matmul_pack).
#define ZOO_MATMUL_CHUNK 256
/// Floats of the buffer zoo_matmul_pack fills for `batch` rows of n.
size_t zoo_matmul_packed_floats(size_t batch, size_t n);
/// Whether the small-batch product reads input rows of n floats packed: rows n floats apart share first-level
/// cache sets when n·4 is a multiple of 4096 (3072, 2048), and its tiles then evict one another's lines.
int zoo_matmul_packs(size_t n);
/// Copies the first n & ~15 columns of `batch` input rows (n floats apart) into `packed`, a chunk of
/// ZOO_MATMUL_CHUNK columns at a time, the rows of a chunk ZOO_MATMUL_CHUNK floats apart: the layout the
/// small-batch product reads when zoo_matmul_packs(n), made once for all the weight rows of a product.
void zoo_matmul_pack(const float *x, size_t batch, size_t n, float *packed);
/// The small-batch product: out[b·out_stride + r] = bias[r] + Σ_i w[r·stride + i] · x[b·n + i] (0 for a null bias)
/// for b in 0..<batch (batch ≤ ZOO_MATMUL_BATCH) and r in 0..<rows, a few input rows against weight rows of the given
/// type, each weight row read from memory once for all the input rows. The input rows come packed by
/// zoo_matmul_pack, or with `packed` null are read from `x` in place; `x` is read for the columns after the last
/// multiple of 16 in any case. Writing the bias with the sums saves filling the output before the product.
void zoo_matmul_packed(zoo_weight_type type, const void *w, size_t stride, const float *packed, const float *x,
                       size_t batch, size_t n, const float *bias, float *out, size_t out_stride, size_t rows);
/// The same product with the vectors of `level` (0 baseline, 1 AVX2, 2 AVX-512; at most `zoo_simd_level()`),
/// packing the input rows itself when `pack` is set, so that tests can run every version both ways.
void zoo_matmul_at_level(int level, zoo_weight_type type, const void *w, size_t stride, const float *x, size_t batch,
                         size_t n, int pack, const float *bias, float *out, size_t out_stride, size_t rows);

/// out[i] = weights[i] widened exactly to float32, for n values of the given type (an embedding row, a 16-bit
/// tensor read as float32); zoo_widen_at_level picks the vectors as zoo_matmul_at_level does.
void zoo_widen(zoo_weight_type type, const void *weights, size_t n, float *out);
void zoo_widen_at_level(int level, zoo_weight_type type, const void *weights, size_t n, float *out);

/// Products with bfloat16 activations: the input rows rounded to bfloat16 and multiplied by bfloat16 weight rows with
/// the CPU's bfloat16 dot-product instructions (AVX512_BF16: each pair of products added to float32 sums), twice the
/// multiply-adds a cycle of float32 vectors. `zoo_bf16_dot_available` says whether this CPU has them (and AVX-512
/// is not capped by ZOO_SIMD); without them `zoo_bf16_matmul` must not be called.
int zoo_bf16_dot_available(void);
/// x rounded to bfloat16 bits as the instructions round: to nearest, ties to even; subnormals to ±0, NaNs quiet.
uint16_t zoo_bf16_round_one(float x);
void zoo_bf16_round(const float *x, size_t n, uint16_t *out);
/// Input rows from which zoo_bf16_matmul takes panels of ZOO_BF16_PANEL weight rows rather than dot-product tiles.
#define ZOO_BF16_DOT_ROWS 128
#define ZOO_BF16_PANEL 48
/// The packed input rows come in blocks (of 4 rows for the dot-product tiles, more for the panels, the last padded
/// with zero rows): how many blocks `rows` take, and the elements of the buffer that holds them for rows of n.
size_t zoo_bf16_row_blocks(size_t rows);
size_t zoo_bf16_packed_elements(size_t rows, size_t n);
/// Blocks first..<first + count of the input rows x ([rows][n]) rounded to bfloat16 and padded with zeros, in the
/// layout zoo_bf16_matmul reads: packed once for all the weight rows of a product, blocks apart on any thread.
void zoo_bf16_pack(const float *x, size_t rows, size_t n, size_t first, size_t count, uint16_t *packed);
/// out[r·ldo + o] = bias[o] + Σ_i x̂[r][i] · w[o·n + i] for r < rows and o < count (0 for a null bias): x̂ the packed
/// input rows, w bfloat16 weight rows of n, the sums float32. Few rows take tiles of dot products; many take panels
/// of weight rows packed in column pairs, each multiplied by every input row.
void zoo_bf16_matmul(const uint16_t *packed, size_t rows, size_t n, const uint16_t *w, size_t count,
                     const float *bias, float *out, size_t ldo);

/// Activations in place: GPT-2's tanh GELU, the exact (erf) GELU, and x · sigmoid(k·x) (SiLU for k = 1).
void zoo_gelu_tanh(float *x, size_t n);
void zoo_gelu_erf(float *x, size_t n);
void zoo_silu(float *x, size_t n, float k);

/// Softmax of n values in place (−∞ entries become 0).
void zoo_softmax(float *x, size_t n);

/// Layer normalisation of one row of n values into out; beta may be NULL.
void zoo_layer_norm(const float *x, const float *gamma, const float *beta, float epsilon, size_t n, float *out);

/// `queries` queries of attention heads that share one key/value head (rows `dim` floats apart in `q` and `out`)
/// over `length` cached positions whose keys and values are rows `stride` floats apart: out = softmax(scale · q·Kᵀ +
/// bias) · V per query, with `bias` (`queries` rows of `length`: T5's relative positions) or NULL. Each key and value
/// row is read once for all the queries. `scores` is scratch for queries · length floats.
void zoo_attend_group(const float *q, size_t queries, const float *keys, const float *values, size_t length,
                      size_t stride, size_t dim, float scale, const float *bias, float *scores, float *out);

#endif
