// How fast can two cores read a GPT-2-sized float32 matrix? Prints the best of seven passes, in GB/s, for three ways
// of reading 160,000 rows of 768 floats (492 MB, as much as GPT-2 124M's weights) split in halves over two threads:
//   stream     a plain sum of every float: the machine's read bandwidth, the roof for float32 decode
//   stream+pf  the same sum with a software prefetch 16 KB ahead (on some runs faster, on others slower)
//   4 rows     a matrix-vector product four rows at a time (each input vector load shared by four rows)
//   1 row      a matrix-vector product one row after the other (each thread reads one sequential stream)
// The kernel in Sources/CZooFloat/kernels.inc reads one row at a time because of what this shows. The read rate of
// this machine varies from run to run by up to half (other virtual machines share its memory): compare lines of
// one run only.
//
// With a file argument, the two stream lines sum that file where it is mapped instead: for a weights.h5 in the page
// cache, the pages a decode reads, in the 2 MB folios Zoo's loader leaves them in (Tools/bench_gpt2.py's bound).
// Without one they sum an anonymous buffer, whose 2 MB pages depend on the memory free at the time.
//
//     gcc -O2 -mavx512f -mfma -pthread Tools/bench_matvec_layout.c -o /tmp/matvec-layout && /tmp/matvec-layout [FILE]
#include <fcntl.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

enum { COLS = 768, ROWS = 160000, THREADS = 2 };
enum method { STREAM, STREAM_PREFETCH, FOUR_ROWS, ONE_ROW };
static const char *names[] = {"stream", "stream+pf", "4 rows", "1 row"};

static const float *weights;
static float x[COLS], out[ROWS];
static size_t rows = ROWS;
static enum method method;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *work(void *argument) {
    size_t first = (size_t)argument * (rows / THREADS), end = first + rows / THREADS;
    if (method == STREAM || method == STREAM_PREFETCH) {
        // Summed as integers: a file's bytes need not be floats, and integer adds have no slow special cases.
        __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
        for (const float *p = weights + first * COLS; p < weights + end * COLS; p += 64) {
            if (method == STREAM_PREFETCH) _mm_prefetch((const char *)(p + 4096), _MM_HINT_T0);
            s0 = _mm512_add_epi32(s0, _mm512_load_si512(p));
            s1 = _mm512_add_epi32(s1, _mm512_load_si512(p + 16));
            s2 = _mm512_add_epi32(s2, _mm512_load_si512(p + 32));
            s3 = _mm512_add_epi32(s3, _mm512_load_si512(p + 48));
        }
        __m512i sum = _mm512_add_epi32(_mm512_add_epi32(s0, s1), _mm512_add_epi32(s2, s3));
        out[first] = (float)_mm512_reduce_add_epi32(sum);
    } else if (method == FOUR_ROWS) {
        for (size_t r = first; r < end; r += 4) {
            const float *w = weights + r * COLS;
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < COLS; i += 16) {
                __m512 v = _mm512_loadu_ps(x + i);
                a0 = _mm512_fmadd_ps(_mm512_load_ps(w + i), v, a0);
                a1 = _mm512_fmadd_ps(_mm512_load_ps(w + COLS + i), v, a1);
                a2 = _mm512_fmadd_ps(_mm512_load_ps(w + 2 * COLS + i), v, a2);
                a3 = _mm512_fmadd_ps(_mm512_load_ps(w + 3 * COLS + i), v, a3);
            }
            out[r] = _mm512_reduce_add_ps(a0);
            out[r + 1] = _mm512_reduce_add_ps(a1);
            out[r + 2] = _mm512_reduce_add_ps(a2);
            out[r + 3] = _mm512_reduce_add_ps(a3);
        }
    } else {
        for (size_t r = first; r < end; r++) {
            const float *w = weights + r * COLS;
            __m512 a = _mm512_setzero_ps();
            for (int i = 0; i < COLS; i += 16) a = _mm512_fmadd_ps(_mm512_load_ps(w + i), _mm512_loadu_ps(x + i), a);
            out[r] = _mm512_reduce_add_ps(a);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    size_t bytes = (size_t)ROWS * COLS * sizeof(float);
    enum method last = ONE_ROW;
    if (argc > 1) {
        int fd = open(argv[1], O_RDONLY);
        struct stat info;
        if (fd < 0 || fstat(fd, &info) != 0) return perror(argv[1]), 1;
        rows = (size_t)info.st_size / (COLS * sizeof(float)) / THREADS * THREADS;
        if (rows > ROWS) rows = ROWS;
        bytes = rows * COLS * sizeof(float);
        void *mapping = mmap(NULL, (size_t)info.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (mapping == MAP_FAILED) return perror(argv[1]), 1;
        madvise(mapping, (size_t)info.st_size, MADV_HUGEPAGE);
        weights = mapping;
        last = STREAM_PREFETCH;
    } else {
        float *buffer = aligned_alloc(2 << 20, bytes);
        // In 2 MB pages, as Zoo's loader asks for its mapped weights: with 4 KB pages the page walks, not the
        // memory, limit the read rate (32 against 46 GB/s on this machine's Zen 4 cores).
        madvise(buffer, bytes, MADV_HUGEPAGE);
        for (size_t i = 0; i < bytes / sizeof(float); i++) buffer[i] = (float)(i % 7);
        weights = buffer;
    }
    for (int i = 0; i < COLS; i++) x[i] = 1;
    printf("%zu MB, %d threads\n", bytes >> 20, THREADS);
    for (int m = STREAM; m <= (int)last; m++) {
        method = m;
        double best = 0;
        for (int pass = 0; pass < 7; pass++) {
            pthread_t threads[THREADS];
            double start = now();
            for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, work, (void *)t);
            for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
            double rate = bytes / (now() - start) / 1e9;
            if (rate > best) best = rate;
        }
        double check = 0;  // read the results, so that the compiler keeps the work
        for (size_t r = 0; r < rows; r++) check += out[r];
        printf("%-9s %5.1f GB/s  (checksum %g)\n", names[m], best, check);
    }
    return 0;
}
