#include "zoo_float.h"

// The two passes of ArgmaxScreen (Sources/ZooTensor/Kernels/ArgmaxScreen.swift) over the approximate values, in
// double precision, where the margins' own rounding is far below the bounds they carry.

double zoo_screen_kth(const float *approximate, const float *coefficient, size_t rows, double norm, double constant,
                      size_t k, double *heap) {
    // The k largest lows so far in a min-heap, its least at heap[0].
    size_t size = 0;
    for (size_t i = 0; i < rows; i++) {
        double low = (double)approximate[i] - (norm * coefficient[i] + constant);
        if (size == k && !(low > heap[0])) continue;
        size_t at;
        if (size < k) {  // sift up from the end
            at = size++;
            while (at > 0 && heap[(at - 1) / 2] > low) {
                heap[at] = heap[(at - 1) / 2];
                at = (at - 1) / 2;
            }
        } else {  // replace the least and sift down
            at = 0;
            for (;;) {
                size_t child = 2 * at + 1;
                if (child >= k) break;
                if (child + 1 < k && heap[child + 1] < heap[child]) child++;
                if (!(heap[child] < low)) break;
                heap[at] = heap[child];
                at = child;
            }
        }
        heap[at] = low;
    }
    return size == k ? heap[0] : -__builtin_inf();
}

size_t zoo_screen_candidates(const float *approximate, const float *coefficient, size_t rows, double norm,
                             double constant, double threshold, int32_t *candidates, size_t capacity) {
    size_t count = 0;
    for (size_t i = 0; i < rows; i++) {
        if ((double)approximate[i] + (norm * coefficient[i] + constant) >= threshold) {
            if (count < capacity) candidates[count] = (int32_t)i;
            count++;
        }
    }
    return count;
}
