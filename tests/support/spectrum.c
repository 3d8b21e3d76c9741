/* spectrum: test oracle matrices of known singular values, A = Q1 diag(sigma) Q2^T. */
#include "spectrum.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

/* splitmix64: the tests' own random numbers, independent of matgen. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double rng_sym(uint64_t *s)
{
    return 2.0 * ((double)(rng_next(s) >> 11) * 0x1p-53) - 1.0;
}

/* An n x n orthogonal matrix (column-major): Q of the QR of a random matrix; NULL on failure. */
static double *random_orthogonal(int64_t n, uint64_t *rng)
{
    double *q = malloc((size_t)(n * n) * sizeof *q);
    double *tau = malloc((size_t)n * sizeof *tau);
    int rc = q && tau ? 0 : -1;
    for (int64_t t = 0; rc == 0 && t < n * n; t++)
        q[t] = rng_sym(rng);
    if (rc == 0)
        rc = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, q, (lapack_int)n, tau);
    if (rc == 0)
        rc = LAPACKE_dorgqr(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, (lapack_int)n, q,
                            (lapack_int)n, tau);
    free(tau);
    if (rc != 0) {
        free(q);
        return NULL;
    }
    return q;
}

double *spectrum_matrix(int64_t m, int64_t n, const double *sigma, uint64_t seed)
{
    uint64_t rng = seed;
    int64_t mn = m < n ? m : n;
    double *q1 = random_orthogonal(m, &rng), *q2 = random_orthogonal(n, &rng);
    double *a = calloc((size_t)(m * n), sizeof *a), *g = malloc((size_t)((m > n ? m : n) * (m > n ? m : n)) * sizeof *g);
    int ok = q1 && q2 && a && g;
    /* A = (Q1(:,1:mn) diag(sigma)) Q2(:,1:mn)^T through BLAS: the large
     * oracles (n = 1000 in test_twostage) would take seconds in loops */
    for (int64_t l = 0; ok && l < mn; l++)
        for (int64_t i = 0; i < m; i++)
            q1[i + l * m] *= sigma[l];
    if (ok)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)mn, 1.0, q1, (int)m,
                    q2, (int)n, 0.0, a, (int)m);
    /* the oracle checks itself: Q2^T Q2 = I (Q1's columns were scaled) */
    if (ok)
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, q2, (int)n, q2,
                    (int)n, 0.0, g, (int)m > (int)n ? (int)m : (int)n);
    for (int64_t p = 0; ok && p < n; p++)
        for (int64_t r = 0; ok && r < n; r++)
            ok = fabs(g[p + r * (m > n ? m : n)] - (p == r)) < 1e-13;
    free(g);
    free(q1);
    free(q2);
    if (!ok) {
        free(a);
        return NULL;
    }
    return a;
}
