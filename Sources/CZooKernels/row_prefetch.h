// Software prefetch for matrix-vector kernels that read a range of weight rows, shared by this target's kernels.
#ifndef ZOO_KERNELS_ROW_PREFETCH_H
#define ZOO_KERNELS_ROW_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

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
