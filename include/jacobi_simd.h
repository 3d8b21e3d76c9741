/* jacobi_simd: the SIMD paths of jacobi's packs (portable, AVX2, AVX-512F), each an instantiation of jacobi_path.inc, chosen per call. */
#ifndef SVDRUN_JACOBI_SIMD_H
#define SVDRUN_JACOBI_SIMD_H

#include <stdint.h>

/* Matrices in a pack: 8 on every path, so that a pack's results do not depend
 * on the path (AVX-512 holds a pack in one register, AVX2 in two, the
 * portable path in an array). */
#define JACOBI_LANES 8

/* Sweeps before a lane is reported as not converged (dgesvj's cap). */
#define JACOBI_MAX_SWEEPS 30

typedef enum { JACOBI_PATH_PORTABLE, JACOBI_PATH_AVX2, JACOBI_PATH_AVX512 } jacobi_path;

/* Every path computes the same operations in the same order with the same
 * roundings: a lane's results are the same bits on each. None can fail. The
 * pack layout (jacobi.c): column j of the working m x n matrix is m rows x
 * JACOBI_LANES doubles, contiguous. */

/* One-sided Jacobi on the m x n columns a (and V's n x n columns v unless
 * NULL), cyclic by rows, until no lane of live rotates or JACOBI_MAX_SWEEPS.
 * d (n vectors) ends holding the columns' norms: sigma, scaled, unsorted.
 * sweeps[l] counts lane l's sweeps. Returns the lanes still rotating at the
 * cap. */
unsigned jacobi_simd_sweeps(jacobi_path path, double *a, double *v, int64_t m, int64_t n,
                            double *d, double tol, unsigned live, int sweeps[JACOBI_LANES]);

/* Per lane, the largest magnitude of n pack entries, and whether any is NaN
 * or Inf (bad[l] != 0). */
void jacobi_simd_lane_max(jacobi_path path, const double *a, int64_t n,
                          double big[JACOBI_LANES], double bad[JACOBI_LANES]);

/* Scales n pack entries lane by lane; a lane of factor 0 is set to zero. */
void jacobi_simd_lane_scale(jacobi_path path, double *a, int64_t n,
                            const double factor[JACOBI_LANES]);

/* Sorts each lane of the n vectors d descending. */
void jacobi_simd_sort_desc(jacobi_path path, double *d, int64_t n);

#endif
