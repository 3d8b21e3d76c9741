/* jacobi: one-sided Jacobi SVDs of packs of same-shape small matrices, one matrix to a SIMD lane. */
#ifndef SVDRUN_JACOBI_H
#define SVDRUN_JACOBI_H

#include <stddef.h>
#include <stdint.h>
#include "jacobi_simd.h"
#include "job.h"

/* The narrower side jacobi takes; wider matrices go to LAPACK. */
#define JACOBI_MAX_N 64

/* info of a lane whose pairs were still rotating after JACOBI_MAX_SWEEPS,
 * LAPACK-like (> 0). */
#define JACOBI_INFO_NOCONV 1

/* info of a lane whose matrix holds NaN or Inf (svd.h's SVD_INFO_NONFINITE). */
#define JACOBI_INFO_NONFINITE (-1000)

/* The path this CPU runs: the widest it supports, unless SVDRUN_JACOBI_PATH
 * (portable, avx2, avx512) names another. Returns 0, or EINVAL when the
 * variable names an unknown path and ENOTSUP when this CPU lacks it. */
int jacobi_path_pick(jacobi_path *out);

/* Whether this CPU can run path p. */
int jacobi_path_supported(jacobi_path p);

const char *jacobi_path_name(jacobi_path p);

/* Whether jacobi computes an m x n SVD with these vectors: the narrower side
 * at most JACOBI_MAX_N, and vectors full only when m == n (a complete U of a
 * tall matrix is LAPACK's job). */
int jacobi_takes(int64_t m, int64_t n, job_vectors vectors);

typedef struct jacobi_pack jacobi_pack;

/* A pack for matrices of up to max_elems entries and max_n on the narrower
 * side, computed on path. Returns 0, ENOMEM, or EINVAL (max_n beyond
 * JACOBI_MAX_N); *out is NULL on error. Every page is touched. */
int jacobi_pack_create(int64_t max_elems, int64_t max_n, job_vectors vectors, jacobi_path path,
                       jacobi_pack **out);
void jacobi_pack_free(jacobi_pack *pk);

/* Bytes jacobi_pack_create allocates for these limits. */
size_t jacobi_pack_bytes(int64_t max_elems, int64_t max_n, job_vectors vectors);

/* Sets the shape of the next compute (within the pack's limits) and says
 * where lane's matrix goes: element (i, j) of the m x n matrix is written to
 * base[i * *row_stride + j * *col_stride]. The pack keeps wide matrices
 * transposed, so the strides are not those of either order. */
double *jacobi_pack_lane(jacobi_pack *pk, int64_t m, int64_t n, int lane, int64_t *row_stride,
                         int64_t *col_stride);

/* Copies the m x n column-major matrix a (leading dimension lda) into lane. */
void jacobi_pack_load(jacobi_pack *pk, int64_t m, int64_t n, int lane, const double *a,
                      int64_t lda);

/* The SVDs of lanes 0..count-1 of the shape last set (lanes beyond count are
 * not computed and need no data). info[l] is 0, JACOBI_INFO_NOCONV or
 * JACOBI_INFO_NONFINITE. A non-finite matrix is not iterated: it cannot
 * stall or spoil the other lanes. Cannot fail otherwise. */
void jacobi_pack_compute(jacobi_pack *pk, int count, int64_t info[JACOBI_LANES]);

/* Lane l's results of the last compute: sigma descending (min(m,n)), U as
 * m x ucols and V^T as vtrows x n column-major (job_vector_dims), NULL when
 * not asked. Signs: in each pair, the entry of largest magnitude of the right
 * singular vector (row of V^T; the first such on ties) is positive. */
const double *jacobi_pack_sigma(const jacobi_pack *pk, int lane);
const double *jacobi_pack_u(const jacobi_pack *pk, int lane);
const double *jacobi_pack_vt(const jacobi_pack *pk, int lane);

/* With left set, the sign rule holds for the left singular vectors (columns
 * of U) instead: for a caller that hands the kernel the transpose of the
 * user's matrix (a C-order .npy stack), so that the rule holds for the
 * user's right vectors either way. */
void jacobi_pack_sign_left(jacobi_pack *pk, int left);

/* Sweeps lane l's last compute took (the final sweep that found nothing to
 * rotate included). */
int jacobi_pack_sweeps(const jacobi_pack *pk, int lane);

#endif
