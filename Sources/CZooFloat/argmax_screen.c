#include "zoo_float.h"

// The two passes of ArgmaxScreen (Sources/ZooTensor/Kernels/ArgmaxScreen.swift) over the approximate values, in
// double precision, where the margins' own rounding is far below the bounds they carry.

double zoo_screen_threshold(const float *approximate, const float *coefficient, size_t rows, double norm,
                            double constant) {
    double threshold = -__builtin_inf();
    for (size_t i = 0; i < rows; i++) {
        double low = (double)approximate[i] - (norm * coefficient[i] + constant);
        threshold = low > threshold ? low : threshold;
    }
    return threshold;
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
