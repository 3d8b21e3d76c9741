/* matgen: the counter-based matrix generator; element (k,i,j) is a pure function of (seed,k,i,j). */
#ifndef SVDRUN_MATGEN_H
#define SVDRUN_MATGEN_H

#include <stdint.h>

#include "dtype.h"

/* C linkage for bench/peers/eigen_svd.cc, which times the same matrices */
#ifdef __cplusplus
extern "C" {
#endif

typedef enum { MATGEN_COL_MAJOR, MATGEN_ROW_MAJOR } matgen_layout;

typedef struct {
    double offset;    /* integer in 1..9 */
    double stretch;   /* in [0.1, 2.1) */
} matgen_params;

/* Philox4x64-10 (Salmon et al., SC11): one block of four 64-bit outputs. */
void matgen_philox4x64(const uint64_t counter[4], const uint64_t key[2], uint64_t out[4]);

/* The per-matrix draw of matrix k. */
matgen_params matgen_matrix_params(uint64_t seed, int64_t k);

/* Element (i,j) of matrix k of a rows x cols set; cols fixes the counter. */
double matgen_element(uint64_t seed, int64_t k, int64_t rows, int64_t cols, int64_t i, int64_t j);

/* Fills matrix k into a with leading dimension ld: a[i + j*ld] for column
 * major (what LAPACK wants), a[i*ld + j] for row major (what .npy wants).
 * Cannot fail; the caller owns a. */
void matgen_fill(uint64_t seed, int64_t k, int64_t rows, int64_t cols,
                 double *a, int64_t ld, matgen_layout layout);

/* Fills matrix k with element (i,j) at a[i*row_stride + j*col_stride]: any
 * layout, such as a lane of jacobi's interleaved pack. One pass over the
 * counter, so a tiny matrix costs one Philox block per four entries. The
 * values equal matgen_fill's. Cannot fail. */
void matgen_fill_strided(uint64_t seed, int64_t k, int64_t rows, int64_t cols, double *a,
                         int64_t row_stride, int64_t col_stride);

/* Fills the tile rows [i0, i0+h) x columns [j0, j0+w) of matrix k into
 * column-major dst (dst[(i-i0) + (j-j0)*ld]); the values equal matgen_fill's.
 * Cannot fail. */
void matgen_fill_tile(uint64_t seed, int64_t k, int64_t rows, int64_t cols, int64_t i0,
                      int64_t j0, int64_t h, int64_t w, double *dst, int64_t ld);

/* matgen_fill in any dtype (ld in elements). float64 is matgen_fill;
 * float32 is its values rounded to nearest; complex128 element (i, j) is
 * (x(i, 2j), x(i, 2j+1)), x being the float64 generator's entries of the
 * m x 2n matrix k, and complex64 those rounded (docs/generator.md). Cannot
 * fail. */
void matgen_fill_as(uint64_t seed, int64_t k, int64_t rows, int64_t cols, dtype_t dtype, void *a,
                    int64_t ld, matgen_layout layout);

/* matgen_fill_tile in any dtype, the values matgen_fill_as's. Cannot fail. */
void matgen_fill_tile_as(uint64_t seed, int64_t k, int64_t rows, int64_t cols, dtype_t dtype,
                         int64_t i0, int64_t j0, int64_t h, int64_t w, void *dst, int64_t ld);

#ifdef __cplusplus
}
#endif

#endif
