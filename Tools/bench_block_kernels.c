// Matrix-vector speed of the block kernels (Sources/CZooKernels) in GB/s of weight bytes read, for the shapes of
// SmolLM2-135M, on every instruction set this CPU runs, on one and two threads. "hot" runs one weight again and
// again (it stays in cache), "cold" cycles through 100 MB of copies (3 times the L3 cache here), as a decoding model
// reads its weights; "cpu" figures divide by the thread's CPU time instead of wall time, which a busy machine
// disturbs less.
//
//     Tools/bench_block_kernels.sh
#include "CZooKernels.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    zoo_isa isa;
    zoo_block_type type;
    const unsigned char *weight;
    size_t row_bytes;
    int blocks, first, end;
    const float *x;
    float *y;
} job;

static void *run(void *argument) {
    job *j = argument;
    zoo_block_matvec_isa(j->isa, j->type, j->weight, j->row_bytes, j->blocks, j->x, j->y, j->first, j->end);
    return NULL;
}

/// Best-of-3 seconds per product over `copies` weights (one weight when `hot`), split over `threads` threads.
static double time_products(zoo_isa isa, zoo_block_type type, const unsigned char *weights, size_t bytes, int copies,
                            int hot, int rows, int cols, int threads, const float *x, float *y, clockid_t clock) {
    size_t row_bytes = bytes / rows;
    double best = 1e30;
    for (int repeat = 0; repeat < 3; repeat++) {
        double start = seconds(clock);
        for (int c = 0; c < copies; c++) {
            job jobs[2];
            pthread_t thread;
            for (int k = 0; k < threads; k++)
                jobs[k] = (job){isa, type, weights + (hot ? 0 : (size_t)c * bytes), row_bytes, cols / 32,
                                rows * k / threads, rows * (k + 1) / threads, x, y};
            if (threads > 1) pthread_create(&thread, NULL, run, &jobs[1]);
            run(&jobs[0]);
            if (threads > 1) pthread_join(thread, NULL);
        }
        double elapsed = (seconds(clock) - start) / copies;
        if (elapsed < best) best = elapsed;
    }
    return best;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    static const size_t block_bytes[] = {34, 18, 20};
    static const char *type_names[] = {"q8_0", "q4_0", "q4_1"};
    static const char *isa_names[] = {"portable", "avx2", "avx512"};
    static const int shapes[][2] = {{576, 1536}, {1536, 576}, {49152, 576}};
    printf("| shape | type | isa | threads | hot GB/s | cold GB/s | cold cpu GB/s (1 thread) |\n|---|---|---|---|---|---|---|\n");
    for (int s = 0; s < 3; s++) {
        int rows = shapes[s][0], cols = shapes[s][1];
        float *x = malloc(sizeof(float) * cols), *y = calloc(rows, sizeof(float));
        for (int i = 0; i < cols; i++) x[i] = (float)(rand() % 2001) / 2000 - 0.5f;
        for (int t = 0; t < 3; t++) {
            size_t bytes = (size_t)rows * cols / 32 * block_bytes[t];
            int copies = (int)(100000000 / bytes);
            if (copies < 2) copies = 2;
            unsigned char *weights = malloc(bytes * copies);
            for (size_t i = 0; i < bytes * copies; i++) weights[i] = (unsigned char)rand();
            // Scales (and q4_1 minimums) of about ±0.06, so no block holds infinities or NaNs.
            for (size_t b = 0; b < bytes * copies; b += block_bytes[t]) {
                weights[b + 1] = 0x2C | (weights[b + 1] & 0x80);
                if (t == ZOO_BLOCK_Q4_1) weights[b + 3] = 0x2C | (weights[b + 3] & 0x80);
            }
            for (int isa = 0; isa <= (int)zoo_kernels_isa(); isa++) {
                for (int threads = 1; threads <= 2; threads++) {
                    double hot = time_products(isa, t, weights, bytes, copies, 1, rows, cols, threads, x, y,
                                               CLOCK_MONOTONIC);
                    double cold = time_products(isa, t, weights, bytes, copies, 0, rows, cols, threads, x, y,
                                                CLOCK_MONOTONIC);
                    double cpu = threads == 1 ? time_products(isa, t, weights, bytes, copies, 0, rows, cols, 1, x, y,
                                                              CLOCK_THREAD_CPUTIME_ID)
                                              : 0;
                    char cpu_column[32] = "–";
                    if (cpu > 0) snprintf(cpu_column, sizeof cpu_column, "%.1f", bytes / cpu / 1e9);
                    printf("| %d×%d | %s | %s | %d | %.1f | %.1f | %s |\n", rows, cols, type_names[t],
                           isa_names[isa], threads, bytes / hot / 1e9, bytes / cold / 1e9, cpu_column);
                }
            }
            free(weights);
        }
        free(x);
        free(y);
    }
    return 0;
}
