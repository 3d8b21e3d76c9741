/* stack: the user's .npy matrices read, and sigma, U and V^T written, with MPI-IO, each rank its own slice. */
#ifndef SVDRUN_STACK_H
#define SVDRUN_STACK_H

#include <mpi.h>
#include <stdint.h>

#include "job.h"

/* How matrix k of the input reaches LAPACK. A C-order matrix's bytes are
 * its transpose in column-major order; sigma(A^T) = sigma(A), so LAPACK
 * gets the cols x rows transpose as it lies, and U and V^T swap roles:
 * U of A, in C order, is V^T of A^T as LAPACK returns it, and V^T of A is
 * U of A^T. No matrix is ever transposed for C-order input. */
typedef struct {
    MPI_File fh;
    const job_t *job;
    int64_t lapack_rows, lapack_cols;   /* what LAPACK sees */
    dtype_t dtype;                      /* what the configuration computes in */
    void *raw;                          /* another dtype in the file: one matrix as read */
    void *slice;                        /* Fortran-order 3-D: this rank's matrices, read at
                                         * once, converted to dtype */
    int64_t slice_lo, slice_n;
} stack_input;

/* The MPI datatype of one element of dtype (MPI_C_*_COMPLEX for complex), as
 * an .npy file holds it. Cannot fail. */
MPI_Datatype stack_mpi_element(dtype_t dtype);

/* The shape LAPACK sees for job's matrices: rows x cols, or cols x rows for a
 * C-order input. */
void stack_lapack_shape(const job_t *job, int64_t *m, int64_t *n);

/* Whether the kernels see the transpose of the user's matrices (a C-order
 * .npy stack, whose U and V^T stack_write swaps back). */
int stack_transposed(const job_t *job);

/* Collective over comm: opens job->input. For a Fortran-order 3-D array,
 * whose matrices are strided through the file, each rank then reads its
 * matrices [lo, lo+n) at once, collectively, through a subarray view (n may
 * be 0). Returns 0, or an errno-like code with a message in err (the same
 * on every rank is not guaranteed: agree on it). */
int stack_open_input(stack_input *in, const job_t *job, dtype_t dtype, MPI_Comm comm, int64_t lo,
                     int64_t n, char *err, size_t errlen);

/* Matrix k, as LAPACK takes it (column-major, lapack_rows x lapack_cols),
 * into buf in the dtype the input was opened for (converted from the
 * file's: dtype_convert), with an independent read at its offset. Returns
 * 0 or EIO. */
int stack_read(stack_input *in, int64_t k, void *buf);

/* Collective over the communicator it was opened on. */
void stack_close_input(stack_input *in);

/* The output files: --values (count, min(m,n)), and --u (count, m, ucols)
 * and --vt (count, vtrows, n) when asked; C-order .npy, sigma in the real
 * type of the precision ('<f4' for float32 and complex64), U and V^T in
 * the dtype itself, written under a temporary name that the close renames. */
typedef struct {
    MPI_File fh[3];
    int open[3];
    const char *paths[3];
    int64_t header[3];          /* header bytes of each file */
    int64_t per_matrix[3];      /* elements per matrix in each */
    size_t esize[3];            /* and their bytes */
    dtype_t dtype;
    void *scratch;              /* a transposed U or V^T (Fortran-order input) */
    const job_t *job;
    int failed;
} stack_output;

enum { STACK_VALUES = 0, STACK_U = 1, STACK_VT = 2 };

/* Bytes of the buffer stack_open_output allocates to transpose U or V^T
 * into C order (0 when paths asks neither, or LAPACK sees A^T): the larger of
 * the two as asked, for the job's vectors. */
size_t stack_scratch_bytes(const job_t *job, dtype_t dtype, const char *const paths[3]);

/* Collective: opens the asked outputs (NULL paths are skipped); rank 0
 * writes the headers. Returns 0 or an error code with err. */
int stack_open_output(stack_output *out, const job_t *job, dtype_t dtype,
                      const char *const paths[3], MPI_Comm comm, char *err, size_t errlen);

/* Writes matrix k's sigma (and U, V^T as LAPACK returned them for the shape
 * stack_lapack_shape gives) at its offsets. Master thread only (MPI calls,
 * and one shared transpose buffer). Returns 0 or EIO. */
int stack_write(stack_output *out, int64_t k, const void *sigma, const void *u, const void *vt);

/* Collective: closes, and renames each file into place when every rank
 * agrees that all went well (ok on this rank); else removes them. Returns 0
 * or EIO (the same on every rank). */
int stack_close_output(stack_output *out, MPI_Comm comm, int ok, char *err, size_t errlen);

#endif
