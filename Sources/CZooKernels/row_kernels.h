// What this target's matrix-vector kernels share: one row-dot instance per block type, and the look-ahead over a
// range of weight rows.
#ifndef ZOO_KERNELS_ROW_KERNELS_H
#define ZOO_KERNELS_ROW_KERNELS_H

#include "CZooKernels.h"

#include <stddef.h>
#include <stdint.h>

/// Defines NAME_for(type), which returns NAME_typed(type, row, blocks, input, scales) instantiated for that block
/// type as a function of type ROW_DOT (so that the type's tests fold away inside its loops), and the three
/// instances, with ATTRIBUTES (the instruction set they are compiled for).
#define ZOO_ROW_DOTS(ATTRIBUTES, NAME, INPUT_T, ROW_DOT)                                                          \
    ATTRIBUTES static float NAME##_q8_0(zoo_block_type t, const uint8_t *r, int n, INPUT_T x, const float *s) {  \
        (void)t;                                                                                                \
        return NAME##_typed(ZOO_BLOCK_Q8_0, r, n, x, s);                                                        \
    }                                                                                                           \
    ATTRIBUTES static float NAME##_q4_0(zoo_block_type t, const uint8_t *r, int n, INPUT_T x, const float *s) {  \
        (void)t;                                                                                                \
        return NAME##_typed(ZOO_BLOCK_Q4_0, r, n, x, s);                                                        \
    }                                                                                                           \
    ATTRIBUTES static float NAME##_q4_1(zoo_block_type t, const uint8_t *r, int n, INPUT_T x, const float *s) {  \
        (void)t;                                                                                                \
        return NAME##_typed(ZOO_BLOCK_Q4_1, r, n, x, s);                                                        \
    }                                                                                                           \
    static ROW_DOT NAME##_for(zoo_block_type type) {                                                            \
        return type == ZOO_BLOCK_Q8_0 ? NAME##_q8_0 : type == ZOO_BLOCK_Q4_0 ? NAME##_q4_0 : NAME##_q4_1;       \
    }

/// Weight bytes read ahead of the row being multiplied. A thread's rows come in ranges of a few to a few hundred
/// kilobytes, and the hardware prefetcher loses time finding each range's stream: q4_1 at SmolLM2's shapes in
/// ranges of 34 KB took 2.3 ns per block on two threads without these hints, 2.0 with them (1.8 in one long range).
#define PREFETCH_DISTANCE 2048

/// Hints the cache lines of bytes [from, from + count) of `base`, cut at `stop`. Offsets, not pointers: the
/// look-ahead may run past the weight's end.
static inline void prefetch_span(const uint8_t *base, size_t from, size_t count, size_t stop) {
    size_t to = from + count < stop ? from + count : stop;
    for (size_t at = from; at < to; at += 64) __builtin_prefetch(base + at);
}

/// Call before reading row r of the range [first, end) of rows `row_bytes` apart: hints the row PREFETCH_DISTANCE
/// bytes ahead (at the range's first row, every byte up to there too).
static inline void prefetch_rows_ahead(const uint8_t *rows, size_t row_bytes, int r, int first, int end) {
    size_t at = row_bytes * (size_t)r, stop = row_bytes * (size_t)end;
    if (r == first) prefetch_span(rows, at, PREFETCH_DISTANCE, stop);
    prefetch_span(rows, at + PREFETCH_DISTANCE, row_bytes, stop);
}

#endif
