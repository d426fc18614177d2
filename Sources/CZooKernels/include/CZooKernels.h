#ifndef CZOOKERNELS_H
#define CZOOKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// GGML block types, as laid out in Formats/zoo-checkpoint-v1.md section 3.4.1 (32 elements per block).
typedef enum {
    ZOO_BLOCK_Q8_0 = 0,  ///< 34 bytes: f16 d, int8 q[32]; d·q
    ZOO_BLOCK_Q4_0 = 1,  ///< 18 bytes: f16 d, 16 nibble bytes; d·(n − 8)
    ZOO_BLOCK_Q4_1 = 2,  ///< 20 bytes: f16 d, f16 m, 16 nibble bytes; d·n + m
} zoo_block_type;

/// The instruction set the block kernels run with, chosen once from what the CPU reports at run time.
typedef enum { ZOO_ISA_PORTABLE = 0, ZOO_ISA_AVX2 = 1, ZOO_ISA_AVX512 = 2 } zoo_isa;

/// The widest instruction set this CPU runs, capped by ZOO_KERNELS_ISA=portable|avx2|avx512 in the environment.
zoo_isa zoo_kernels_isa(void);

/// y[r] += Σᵢ x[i]·w_r[i] for rows `first` ≤ r < `end` of a block-type matrix whose rows are
/// `row_bytes` apart and `blocks` blocks long. `x` holds `32·blocks` floats. Float32 arithmetic throughout: only
/// the order of the sums differs from dequantizing the row and taking the dot product.
void zoo_block_matvec(zoo_block_type type, const void *weight, size_t row_bytes, int blocks, const float *x,
                      float *y, int first, int end);
/// The same with the instruction set given (at most `zoo_kernels_isa()`), so tests can run every path.
void zoo_block_matvec_isa(zoo_isa isa, zoo_block_type type, const void *weight, size_t row_bytes, int blocks,
                          const float *x, float *y, int first, int end);

/// Decodes `blocks` consecutive blocks at `source` into 32·blocks floats at `out`, exactly as 3.4.1 defines.
void zoo_block_decode(zoo_block_type type, const void *source, size_t blocks, float *out);
void zoo_block_decode_isa(zoo_isa isa, zoo_block_type type, const void *source, size_t blocks, float *out);

/// Bytes of a row of `32·blocks` activations quantized by `zoo_q8_quantize`: the int8 quants, then per block the
/// float pair (d, s).
size_t zoo_q8_activation_bytes(int blocks);
/// Quantizes `32·blocks` floats as ggml's quantize_row_q8_1 does on x86 (q8_0's quants and d are the same, without
/// s): per block d = max|x|/127 rounded to float16, q = round(x·127/max|x|) (ties to even), s = d·Σq rounded to
/// float16. `out` holds `zoo_q8_activation_bytes(blocks)` bytes.
void zoo_q8_quantize(const float *x, int blocks, void *out);
void zoo_q8_quantize_isa(zoo_isa isa, const float *x, int blocks, void *out);
/// Quantizes `x` as zoo_q8_quantize does into a buffer on this function's stack, then calls run(context, buffer):
/// a decode step's quantized row without a heap allocation (Swift puts temporary buffers over 1 KB on the heap on
/// Linux). A row of a model's width, some thousands of values, takes some kilobytes of stack.
void zoo_q8_with_quantized(const float *x, int blocks, void (*run)(void *context, const void *quantized),
                           void *context);
/// y[r] += Σ_b d_w·d_x·Σᵢ w_i·q_i (+ m_w·s_x for q4_1) for rows `first` ≤ r < `end`: llama.cpp's integer block
/// dot products against an activation row quantized by `zoo_q8_quantize`. AVX-512 runs the VNNI version where the
/// CPU has it, else the AVX2 one.
void zoo_q8_matvec(zoo_block_type type, const void *weight, size_t row_bytes, int blocks, const void *xq,
                   float *y, int first, int end);
void zoo_q8_matvec_isa(zoo_isa isa, zoo_block_type type, const void *weight, size_t row_bytes, int blocks,
                       const void *xq, float *y, int first, int end);

#endif
