/* pdsvd: ScaLAPACK SVDs (p?gesvd, any dtype) of one matrix shared by a group of ranks on a BLACS process grid. */
#ifndef SVDRUN_PDSVD_H
#define SVDRUN_PDSVD_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "dtype.h"
#include "job.h"
#include "svd.h"

/* Fills the global block rows [i0, i0+rows) x columns [j0, j0+cols) of the
 * matrix into column-major dst, elements of the grid's dtype, leading
 * dimension ld in elements. */
typedef void (*pdsvd_fill_fn)(void *ctx, int64_t i0, int64_t j0, int64_t rows, int64_t cols,
                              void *dst, int64_t ld);

typedef struct pdsvd_grid pdsvd_grid;

/* Whether ScaLAPACK can give what vectors asks for an m x n matrix: p?gesvd
 * computes min(m,n) singular vectors, so full is refused unless m == n.
 * Returns 0, or -1 with the reason in err. */
int pdsvd_check_vectors(int64_t m, int64_t n, job_vectors vectors, char *err, size_t errlen);

/* Estimated peak bytes of one process computing in dtype: its blocks of A
 * (and of U and V^T when asked) and the workspace estimate in dtype, sigma
 * in its real type, and for a complex dtype the real workspace RWORK. */
size_t pdsvd_peak_bytes(int64_t m, int64_t n, int nprow, int npcol, int block, job_vectors vectors,
                        dtype_t dtype);

/* Sets up an nprow x npcol grid on group (every rank of group calls it;
 * nprow*npcol must equal its size) computing in dtype (pdgesvd, psgesvd,
 * pzgesvd or pcgesvd), the descriptors, and the workspaces from a query with
 * a margin (the query rounds through a float). Returns 0, ENOMEM, or EINVAL
 * when the query fails; *out may be set even on error, and every rank must
 * call pdsvd_grid_free on what it got (NULL is fine). */
int pdsvd_grid_create(MPI_Comm group, int nprow, int npcol, int64_t m, int64_t n, int block,
                      job_vectors vectors, dtype_t dtype, pdsvd_grid **out);

/* Releases the grid (Cblacs_gridexit); every rank of the group calls it. */
void pdsvd_grid_free(pdsvd_grid *grid);

/* Releases BLACS after a configuration, leaving MPI alive (Cblacs_exit(1)). */
void pdsvd_release(void);

/* SVD of one matrix: every process fills its own blocks through fill (no
 * matrix is assembled anywhere), then the grid's p?gesvd. Every rank of the
 * group calls it. Fills *res on every process (sigma is replicated; summed in
 * double) and, when sigma is not NULL, the min(m,n) singular values as
 * dtype_real of the grid's dtype (double or float). *fill_s gets the seconds
 * spent filling. Returns res->info: 0, p?gesvd's info (> min(m,n) means the
 * processes disagreed), or SVD_INFO_NONFINITE (a NaN or Inf in any part of
 * any element on any process: p?gesvd is then not called). */
int pdsvd_compute(pdsvd_grid *grid, pdsvd_fill_fn fill, void *ctx, svd_result *res, void *sigma,
                  double *fill_s);

#endif
