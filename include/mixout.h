/* mixout: sigma, U and V^T of a mixed-shape set written as .npz archives of ragged arrays (npzout), in parallel, each rank its own matrices. */
#ifndef SVDRUN_MIXOUT_H
#define SVDRUN_MIXOUT_H

#include <mpi.h>
#include <stdint.h>

#include "dtype.h"
#include "job.h"
#include "matset.h"
#include "npzout.h"

/* --values (item k: sigma, shape (min(m,n),)), --u ((m, ucols)) and --vt
 * ((vtrows, n)) for a mixed set: each an .npz of data, offsets and shapes
 * (npzout.h gives the three lines of numpy that read it). sigma in the real
 * type of the configuration's dtype (dtype_real: '<f4' for float32 and
 * complex64), U and V^T in the dtype itself and in C order, as numpy's svd
 * returns them (for complex, LAPACK's VT is V^H: numpy's vh, unconjugated). */
typedef struct {
    npzout *z[3];
    void *scratch;          /* one U or V^T transposed into C order */
    dtype_t dtype;          /* U's and V^T's */
    job_vectors vectors;
} mixout_t;

/* Collective over comm: opens the asked archives (NULL paths skipped), one
 * after another, each agreed (npzout_open), for results computed in dtype
 * (the same on every rank). Returns 0, or EIO/ENOMEM/EINVAL with a message
 * in err, the same on every rank; on failure what was opened is closed
 * (removed). */
int mixout_open(mixout_t *mo, const job_t *job, dtype_t dtype, const matset *set,
                const char *const paths[3], MPI_Comm comm, char *err, size_t errlen);

/* Matrix k (m x n) from LAPACK's sigma (dtype_real of the dtype opened),
 * column-major U (m x ucols) and V^T (vtrows x n; either may be NULL when
 * not asked) of the dtype opened; each element moved whole into C order.
 * One thread at a time (MPI calls, one scratch buffer). Returns 0 or EIO. */
int mixout_write(mixout_t *mo, int64_t k, int64_t m, int64_t n, const void *sigma,
                 const void *u, const void *vt);

/* Collective: closes every archive; renamed into place only when every rank's
 * ok is set and all went well. Returns 0 or EIO, the same on every rank. */
int mixout_close(mixout_t *mo, MPI_Comm comm, int ok, char *err, size_t errlen);

/* --save-matrices for a generated mixed set: rank 0 alone (MPI_COMM_SELF)
 * writes every matrix as generated in dtype (matgen_fill_as), in C order, as
 * an .npz of data, offsets and shapes. Returns 0, or ENOMEM/EIO with
 * "path: ..." in err (nothing left behind). */
int mixout_save_set(const job_t *job, dtype_t dtype, const matset *set, const char *path,
                    char *err, size_t errlen);

#endif
