/* mixout: sigma, U and V^T of a mixed-shape set written as .npz archives of ragged arrays (npzout), in parallel, each rank its own matrices. */
#ifndef SVDRUN_MIXOUT_H
#define SVDRUN_MIXOUT_H

#include <mpi.h>
#include <stdint.h>

#include "job.h"
#include "matset.h"
#include "npzout.h"

/* --values (item k: sigma, shape (min(m,n),)), --u ((m, ucols)) and --vt
 * ((vtrows, n)) for a mixed set: each an .npz of data, offsets and shapes
 * (npzout.h gives the three lines of numpy that read it). U and V^T in C
 * order, as numpy's svd returns them. */
typedef struct {
    npzout *z[3];
    double *scratch;        /* one U or V^T transposed into C order */
    job_vectors vectors;
} mixout_t;

/* Collective over comm: opens the asked archives (NULL paths skipped), one
 * after another, each agreed (npzout_open). Returns 0, or EIO/ENOMEM/EINVAL
 * with a message in err, the same on every rank; on failure what was
 * opened is closed (removed). */
int mixout_open(mixout_t *mo, const job_t *job, const matset *set, const char *const paths[3],
                MPI_Comm comm, char *err, size_t errlen);

/* Matrix k (m x n) from LAPACK's column-major sigma, U (m x ucols) and V^T
 * (vtrows x n; either may be NULL when not asked). One thread at a time
 * (MPI calls, one scratch buffer). Returns 0 or EIO. */
int mixout_write(mixout_t *mo, int64_t k, int64_t m, int64_t n, const double *sigma,
                 const double *u, const double *vt);

/* Collective: closes every archive; renamed into place only when every rank's
 * ok is set and all went well. Returns 0 or EIO, the same on every rank. */
int mixout_close(mixout_t *mo, MPI_Comm comm, int ok, char *err, size_t errlen);

/* --save-matrices for a generated mixed set: rank 0 alone (MPI_COMM_SELF)
 * writes every matrix, in C order, as an .npz of data, offsets and shapes.
 * Returns 0, or ENOMEM/EIO with "path: ..." in err (nothing left behind). */
int mixout_save_set(const job_t *job, const matset *set, const char *path, char *err,
                    size_t errlen);

#endif
