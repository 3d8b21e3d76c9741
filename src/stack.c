/* stack: the user's .npy matrices read, and sigma, U and V^T written, with MPI-IO, each rank its own slice. */
#include "stack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "files.h"
#include "npy.h"
#include "svd.h"

/* Whether LAPACK sees A itself (generated matrices, Fortran-order input)
 * rather than the transpose a C-order input's bytes are. */
static int lapack_saw_a(const job_t *job)
{
    return !job->input[0] || job->input_fortran;
}

int stack_transposed(const job_t *job) { return !lapack_saw_a(job); }

void stack_lapack_shape(const job_t *job, int64_t *m, int64_t *n)
{
    int transposed = !lapack_saw_a(job);
    *m = transposed ? job->cols : job->rows;
    *n = transposed ? job->rows : job->cols;
}

MPI_Datatype stack_mpi_element(dtype_t dtype)
{
    switch (dtype) {
    case DTYPE_F32: return MPI_FLOAT;
    case DTYPE_C128: return MPI_C_DOUBLE_COMPLEX;
    case DTYPE_C64: return MPI_C_FLOAT_COMPLEX;
    default: return MPI_DOUBLE;
    }
}

/* One element of the input file, whose dtype may differ from the
 * configuration's: reads bring the file's type, dtype_convert the rest. */
static MPI_Datatype element_type(const job_t *job)
{
    return stack_mpi_element(job->input_dtype);
}

/* One contiguous run of n elements of esize bytes, so counts stay ints. */
static MPI_Datatype run_type(int64_t n, size_t esize)
{
    MPI_Datatype el, run;
    MPI_Type_contiguous((int)esize, MPI_BYTE, &el);
    MPI_Type_contiguous((int)n, el, &run);
    MPI_Type_free(&el);
    MPI_Type_commit(&run);
    return run;
}

/* A Fortran-order 3-D array (count, rows, cols) lies in the file as the
 * C-order array (cols, rows, count): matrix k is strided by count. A rank's
 * matrices [lo, lo+n) are the subarray [0:cols, 0:rows, lo:lo+n) of that,
 * which a collective read brings in with two-phase I/O, each byte once. */
static int read_fortran_slice(stack_input *in, int64_t lo, int64_t n, char *err, size_t errlen)
{
    const job_t *job = in->job;
    size_t mat = (size_t)job->rows * (size_t)job->cols, mats = n > 0 ? (size_t)n : 1;
    int same = job->input_dtype == in->dtype;
    in->slice_lo = lo;
    in->slice_n = n;
    in->slice = malloc(mats * mat * dtype_size(in->dtype));
    void *raw = same ? in->slice : malloc(mats * mat * (size_t)job->input_esize);
    int rc = 0;
    if (!in->slice || !raw) {
        snprintf(err, errlen, "%s: no memory for this rank's %lld matrices", job->input, (long long)n);
        rc = ENOMEM;
    }
    int sizes[3] = {(int)job->cols, (int)job->rows, (int)job->count};
    int subs[3] = {(int)job->cols, (int)job->rows, n > 0 ? (int)n : 1};
    int starts[3] = {0, 0, n > 0 ? (int)lo : 0};
    MPI_Datatype file_type, elem = element_type(job);
    MPI_Type_create_subarray(3, sizes, subs, starts, MPI_ORDER_C, elem, &file_type);
    MPI_Type_commit(&file_type);
    /* collective, so every rank calls it, with nothing to read when it has no matrix */
    MPI_File_set_view(in->fh, (MPI_Offset)job->input_offset, elem, file_type, "native",
                      MPI_INFO_NULL);
    MPI_Status status;
    int count = 0;
    size_t elems = rc == 0 && n > 0 ? (size_t)n * mat : 0;
    MPI_Datatype block;   /* one matrix of elements, so the count stays an int */
    MPI_Type_contiguous((int)mat, elem, &block);
    MPI_Type_commit(&block);
    if (MPI_File_read_all(in->fh, raw, elems ? (int)n : 0, block, &status) != MPI_SUCCESS ||
        (MPI_Get_count(&status, block, &count), elems && count != (int)n)) {
        if (!rc)
            snprintf(err, errlen, "%s: cannot read this rank's matrices", job->input);
        rc = rc ? rc : EIO;
    }
    MPI_Type_free(&block);
    MPI_Type_free(&file_type);
    if (!same && raw) {
        if (rc == 0)
            dtype_convert(in->slice, in->dtype, raw, job->input_dtype, elems);
        free(raw);
    }
    return rc;
}

int stack_open_input(stack_input *in, const job_t *job, dtype_t dtype, MPI_Comm comm, int64_t lo,
                     int64_t n, char *err, size_t errlen)
{
    memset(in, 0, sizeof *in);
    in->job = job;
    in->dtype = dtype;
    in->fh = MPI_FILE_NULL;
    stack_lapack_shape(job, &in->lapack_rows, &in->lapack_cols);
    int rc = MPI_File_open(comm, job->input, MPI_MODE_RDONLY, MPI_INFO_NULL, &in->fh);
    int opened = rc == MPI_SUCCESS, all_opened = 0;
    if (!opened) {
        char msg[MPI_MAX_ERROR_STRING];
        int len;
        MPI_Error_string(rc, msg, &len);
        snprintf(err, errlen, "%s: cannot open with MPI-IO: %s", job->input, msg);
        in->fh = MPI_FILE_NULL;
    }
    /* the reads below are collective: every rank must know that all opened.
     * A handle opened where another rank failed is left open: closing it is
     * collective too. */
    MPI_Allreduce(&opened, &all_opened, 1, MPI_INT, MPI_MIN, comm);
    if (!all_opened) {
        in->fh = MPI_FILE_NULL;
        if (opened)
            snprintf(err, errlen, "%s: another rank could not open it", job->input);
        return EIO;
    }
    if (job->input_fortran && job->input_ndim == 3)
        return read_fortran_slice(in, lo, n, err, errlen);
    if (job->input_dtype != dtype &&
        !(in->raw = malloc((size_t)job->rows * (size_t)job->cols * (size_t)job->input_esize))) {
        snprintf(err, errlen, "%s: no memory", job->input);
        return ENOMEM;
    }
    return 0;
}

int stack_read(stack_input *in, int64_t k, void *buf)
{
    const job_t *job = in->job;
    size_t mat = (size_t)job->rows * (size_t)job->cols, esize = dtype_size(in->dtype);
    if (in->slice) {
        /* column-major element (i, j) of matrix k sits at (j, i, k - lo) */
        const char *s = in->slice;
        int64_t n = in->slice_n, c = k - in->slice_lo;
        if (c < 0 || c >= n)
            return EIO;
        for (int64_t j = 0; j < job->cols; j++)
            for (int64_t i = 0; i < job->rows; i++)
                memcpy((char *)buf + (size_t)(i + job->rows * j) * esize,
                       s + (size_t)((j * job->rows + i) * n + c) * esize, esize);
        return 0;
    }
    MPI_Offset at = (MPI_Offset)job->input_offset + (MPI_Offset)k * (MPI_Offset)mat * job->input_esize;
    MPI_Datatype block;
    MPI_Type_contiguous((int)mat, element_type(job), &block);
    MPI_Type_commit(&block);
    void *dst = in->raw ? in->raw : buf;
    MPI_Status status;
    int count = 0;
    int rc = MPI_File_read_at(in->fh, at, dst, 1, block, &status);
    if (rc == MPI_SUCCESS)
        MPI_Get_count(&status, block, &count);
    MPI_Type_free(&block);
    if (rc != MPI_SUCCESS || count != 1)
        return EIO;
    if (in->raw)
        dtype_convert(buf, in->dtype, in->raw, job->input_dtype, mat);
    return 0;
}

void stack_close_input(stack_input *in)
{
    if (in->fh != MPI_FILE_NULL)
        MPI_File_close(&in->fh);
    free(in->raw);
    free(in->slice);
    memset(in, 0, sizeof *in);
    in->fh = MPI_FILE_NULL;
}

size_t stack_scratch_bytes(const job_t *job, dtype_t dtype, const char *const paths[3])
{
    if (!lapack_saw_a(job) || !paths)
        return 0;
    int64_t ucols, vtrows;
    job_vector_dims(job->rows, job->cols, job->vectors, &ucols, &vtrows);
    size_t u = paths[STACK_U] ? (size_t)job->rows * (size_t)ucols : 0;
    size_t vt = paths[STACK_VT] ? (size_t)vtrows * (size_t)job->cols : 0;
    return (u > vt ? u : vt) * dtype_size(dtype);
}

static void temp_name(char *out, size_t len, const char *path)
{
    snprintf(out, len, "%s.svdrun-tmp", path);
}

int stack_open_output(stack_output *out, const job_t *job, dtype_t dtype,
                      const char *const paths[3], MPI_Comm comm, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->job = job;
    out->dtype = dtype;
    /* sigma in the precision's real type, U and V^T in the dtype */
    const dtype_t types[3] = {dtype_real(dtype), dtype, dtype};
    int rank, world_rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    int64_t k = job->rows < job->cols ? job->rows : job->cols, ucols, vtrows;
    job_vector_dims(job->rows, job->cols, job->vectors, &ucols, &vtrows);
    int64_t shapes[3][3] = {{job->count, k, 0},
                            {job->count, job->rows, ucols},
                            {job->count, vtrows, job->cols}};
    int ndims[3] = {2, 3, 3};
    out->per_matrix[STACK_VALUES] = k;
    out->per_matrix[STACK_U] = job->rows * ucols;
    out->per_matrix[STACK_VT] = vtrows * job->cols;
    int rc = 0;
    for (int f = 0; f < 3; f++) {
        out->paths[f] = paths[f];
        if (!paths[f])
            continue;
        char tmp[JOB_PATH_MAX + 32];
        temp_name(tmp, sizeof tmp, paths[f]);
        if (rank == 0)
            unlink(tmp);     /* a stale one from a killed run */
        MPI_Barrier(comm);
        int opened = MPI_File_open(comm, tmp, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL,
                                   &out->fh[f]) == MPI_SUCCESS, all_opened = 0;
        /* what follows is collective: a handle opened where another rank
         * failed stays open, since closing it would be collective too */
        MPI_Allreduce(&opened, &all_opened, 1, MPI_INT, MPI_MIN, comm);
        if (!all_opened) {
            snprintf(err, errlen, "%s: cannot create%s", tmp, opened ? " on another rank" : "");
            rc = EIO;
            break;
        }
        out->open[f] = 1;
        /* every rank knows the header length: the writer pads it to 64 bytes */
        char hdr[512];
        out->esize[f] = dtype_size(types[f]);
        long len = npy_format_header(hdr, sizeof hdr, dtype_descr(types[f]), ndims[f], shapes[f]);
        out->header[f] = len;
        if (len < 0) {
            snprintf(err, errlen, "%s: header too long", paths[f]);
            rc = EIO;
            break;
        }
        /* the full size now: a failed last matrix leaves zeros, not a short file */
        MPI_Offset size = (MPI_Offset)len + (MPI_Offset)job->count *
                                                (MPI_Offset)out->per_matrix[f] *
                                                (MPI_Offset)out->esize[f];
        int sized = MPI_File_set_size(out->fh[f], size) == MPI_SUCCESS &&
                    !fault_here("set_size", world_rank);
        if (!sized)
            snprintf(err, errlen, "%s: cannot size to %lld bytes", tmp, (long long)size);
        else if (rank == 0 && MPI_File_write_at(out->fh[f], 0, hdr, (int)len, MPI_BYTE,
                                                MPI_STATUS_IGNORE) != MPI_SUCCESS) {
            snprintf(err, errlen, "%s: cannot write", tmp);
            sized = 0;
        }
        /* agreed before the next file's collective open: a rank that broke
         * out alone would leave the others blocked in it */
        int all_sized = 0;
        MPI_Allreduce(&sized, &all_sized, 1, MPI_INT, MPI_MIN, comm);
        if (!all_sized) {
            if (sized)
                snprintf(err, errlen, "%s: another rank could not size or write it", tmp);
            rc = EIO;
            break;
        }
    }
    /* the larger of U and V^T as asked: a thin U of a tall matrix is small */
    size_t scratch = stack_scratch_bytes(job, dtype, paths);
    if (!rc && scratch && !(out->scratch = malloc(scratch))) {
        snprintf(err, errlen, "no memory for transposing U and V^T");
        rc = ENOMEM;
    }
    return rc;
}

static int write_block(stack_output *out, int f, int64_t k, const void *data)
{
    int64_t n = out->per_matrix[f];
    size_t esize = out->esize[f];
    MPI_Offset at = (MPI_Offset)out->header[f] + (MPI_Offset)k * n * (MPI_Offset)esize;
    MPI_Datatype block = run_type(n, esize);
    int rc = MPI_File_write_at(out->fh[f], at, data, 1, block, MPI_STATUS_IGNORE);
    MPI_Type_free(&block);
    return rc == MPI_SUCCESS ? 0 : EIO;
}

int stack_write(stack_output *out, int64_t k, const void *sigma, const void *u, const void *vt)
{
    const job_t *job = out->job;
    size_t esize = dtype_size(out->dtype);
    int rc = 0;
    if (out->open[STACK_VALUES])
        rc |= write_block(out, STACK_VALUES, k, sigma);
    int64_t ucols, vtrows;
    job_vector_dims(job->rows, job->cols, job->vectors, &ucols, &vtrows);
    if (lapack_saw_a(job)) {
        /* U (rows x ucols) and V^T (vtrows x cols) are column-major, and the
         * files are C order */
        if (out->open[STACK_U] && u) {
            dtype_transpose(out->scratch, ucols, u, job->rows, job->rows, ucols, esize);
            rc |= write_block(out, STACK_U, k, out->scratch);
        }
        if (out->open[STACK_VT] && vt) {
            dtype_transpose(out->scratch, job->cols, vt, vtrows, vtrows, job->cols, esize);
            rc |= write_block(out, STACK_VT, k, out->scratch);
        }
    } else {
        /* LAPACK saw A^T = conj(V) S U^T: its V^T (U^T) is U of A in C
         * order, its U (conj(V), the transpose of V^H) is V^H of A: no
         * conjugation either way */
        if (out->open[STACK_U] && vt)
            rc |= write_block(out, STACK_U, k, vt);
        if (out->open[STACK_VT] && u)
            rc |= write_block(out, STACK_VT, k, u);
    }
    if (rc)
        out->failed = 1;
    return rc ? EIO : 0;
}

int stack_close_output(stack_output *out, MPI_Comm comm, int ok, char *err, size_t errlen)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    for (int f = 0; f < 3; f++)
        if (out->open[f] && MPI_File_close(&out->fh[f]) != MPI_SUCCESS)
            out->failed = 1;
    int mine = ok && !out->failed, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm);
    int rc = 0;
    if (rank == 0)
        for (int f = 0; f < 3; f++) {
            if (!out->open[f])
                continue;
            char tmp[JOB_PATH_MAX + 32];
            temp_name(tmp, sizeof tmp, out->paths[f]);
            if (!all)
                unlink(tmp);     /* the failure is the caller's to say */
            else if (files_replace(tmp, out->paths[f], 0, err, errlen) != 0)
                rc = EIO;
        }
    MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
    free(out->scratch);
    memset(out, 0, sizeof *out);
    return all ? rc : EIO;
}
