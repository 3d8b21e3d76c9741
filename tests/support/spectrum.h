/* spectrum: test oracle matrices of known singular values, A = Q1 diag(sigma) Q2^T. */
#ifndef SVDRUN_TEST_SPECTRUM_H
#define SVDRUN_TEST_SPECTRUM_H

#include <stdint.h>

/* The m x n column-major A = Q1(:,1:mn) diag(sigma) Q2(:,1:mn)^T, with Q1 and
 * Q2 orthogonal from the QR of the test's own splitmix64 numbers (independent
 * of matgen), deterministic in seed. Returns NULL when memory or LAPACK fails,
 * or when Q2 is not orthogonal to 1e-13 (the oracle checks itself). */
double *spectrum_matrix(int64_t m, int64_t n, const double *sigma, uint64_t seed);

#endif
