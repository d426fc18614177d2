#include <cblas.h>

// OpenBLAS's call that stops its worker threads. Internal to OpenBLAS's threaded builds (and absent from others),
// so declared here, weakly.
void blas_thread_shutdown_(void) __attribute__((weak));

/// Makes OpenBLAS run every call on the calling thread and stops the workers it started when it was loaded (they
/// spin for about 0.1 s after each job, taking a core from Zoo's own threads). Zoo splits its large products across
/// its own pool instead, so the process has one set of threads.
static inline void zoo_openblas_single_threaded(void) {
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
