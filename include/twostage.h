/* twostage: singular values through a two-stage bidiagonal reduction (dense to band with BLAS-3, band to bidiagonal by bulge chasing, then dqds). */
#ifndef SVDRUN_TWOSTAGE_H
#define SVDRUN_TWOSTAGE_H

#include <stddef.h>
#include <stdint.h>

/* Below this many columns (of the narrower side) the kernel key's "twostage"
 * hands the matrix to LAPACK: measured in bench/twostage.sh, where the band's
 * extra pass stops paying for itself. */
#define TWOSTAGE_MIN_N 224

/* Wall seconds of each stage of the last call, for the bench. */
typedef struct {
    double prep;   /* scaling, a wide matrix's transposition, a long one's QR */
    double band;   /* stage 1: dense to band */
    double chase;  /* stage 2: band to bidiagonal */
    double bidiag; /* dbdsqr (dqds) on the bidiagonal */
} twostage_times;

/* The band width used for a matrix whose narrower side is n: tuned per n on
 * this machine (bench/results/twostage.md records the sweep). */
int twostage_nb(int64_t n);

/* Doubles of workspace twostage_sigma needs for an m x n matrix and band nb;
 * 0 when a size overflows. */
size_t twostage_work_doubles(int64_t m, int64_t n, int nb);

/* Singular values (descending, min(m, n) of them) of the m x n column-major
 * matrix a (leading dimension lda >= m), which is destroyed. work holds
 * twostage_work_doubles(m, n, nb) doubles; times may be NULL.
 * Returns 0, a negative number naming the bad argument (1-based, as LAPACK
 * does), or dbdsqr's positive info when dqds did not converge. The caller
 * checks that a is finite: NaN makes no Householder reflector. */
int twostage_sigma(int64_t m, int64_t n, double *a, int64_t lda, int nb, double *sigma,
                   double *work, twostage_times *times);

#endif
