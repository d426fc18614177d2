#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H
#include <stdbool.h>

/// Heap allocations counted on the calling thread. The test executable defines malloc, calloc, realloc,
/// posix_memalign, aligned_alloc and memalign: its definitions take the place of the C library's for the whole
/// process, forward to the C library's allocator, and count the calls of a thread that has counting on.
void allocation_counter_set(bool on);
/// The calls counted on this thread since counting was last turned on.
long allocation_counter_count(void);

#endif
