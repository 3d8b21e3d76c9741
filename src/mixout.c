/* mixout: sigma, U and V^T of a mixed-shape set written as .npz archives of ragged arrays (npzout), in parallel, each rank its own matrices. */
#include "mixout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matgen.h"

int mixout_open(mixout_t *mo, const job_t *job, dtype_t dtype, const matset *set,
                const char *const paths[3], MPI_Comm comm, char *err, size_t errlen)
{
    memset(mo, 0, sizeof *mo);
    mo->vectors = job->vectors;
    mo->dtype = dtype;
    int64_t count = set->count, scratch = 0;
    int64_t *shapes = malloc((size_t)(count > 0 ? count : 1) * 2 * sizeof *shapes);
    /* the opens are collective: every rank must reach them, or none */
    int rc = shapes ? 0 : ENOMEM, any = 0;
    if (MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS || any) {
        free(shapes);
        snprintf(err, errlen, "no memory for the outputs' item shapes (%lld matrices)",
                 (long long)count);
        return ENOMEM;
    }
    for (int f = 0; f < 3 && !rc; f++) {
        if (!paths[f])
            continue;
        int ndim = f == 0 ? 1 : 2;
        for (int64_t k = 0; k < count; k++) {
            int64_t m, n, ucols, vtrows;
            matset_shape(set, k, &m, &n);
            job_vector_dims(m, n, job->vectors, &ucols, &vtrows);
            if (f == 0) {
                shapes[k] = m < n ? m : n;
            } else if (f == 1) {
                shapes[2 * k] = m;
                shapes[2 * k + 1] = ucols;
                scratch = m * ucols > scratch ? m * ucols : scratch;
            } else {
                shapes[2 * k] = vtrows;
                shapes[2 * k + 1] = n;
                scratch = vtrows * n > scratch ? vtrows * n : scratch;
            }
        }
        rc = npzout_open(&mo->z[f], paths[f], count, ndim, shapes,
                         f == 0 ? dtype_real(dtype) : dtype, comm, err, errlen);
    }
    free(shapes);
    if (!rc && scratch > 0 && !(mo->scratch = malloc((size_t)scratch * dtype_size(dtype)))) {
        snprintf(err, errlen, "no memory to transpose U or V^T (%lld elements of %s)",
                 (long long)scratch, dtype_name(dtype));
        rc = ENOMEM;
    }
    /* the scratch may fail on one rank alone: close agrees, and removes */
    int failed = rc != 0;
    any = 0;
    if (MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
        any = 1;
    if (any) {
        char unused[8];
        mixout_close(mo, comm, 0, unused, sizeof unused);
        if (!rc)
            snprintf(err, errlen, "another rank could not open the outputs");
        return rc ? rc : EIO;
    }
    return 0;
}

int mixout_write(mixout_t *mo, int64_t k, int64_t m, int64_t n, const void *sigma,
                 const void *u, const void *vt)
{
    size_t size = dtype_size(mo->dtype);
    int64_t ucols, vtrows;
    job_vector_dims(m, n, mo->vectors, &ucols, &vtrows);
    if (mo->z[0] && npzout_write(mo->z[0], k, sigma) != 0)
        return EIO;
    if (mo->z[1] && u) {
        dtype_transpose(mo->scratch, ucols, u, m, m, ucols, size);
        if (npzout_write(mo->z[1], k, mo->scratch) != 0)
            return EIO;
    }
    if (mo->z[2] && vt) {
        dtype_transpose(mo->scratch, n, vt, vtrows, vtrows, n, size);
        if (npzout_write(mo->z[2], k, mo->scratch) != 0)
            return EIO;
    }
    return 0;
}

int mixout_close(mixout_t *mo, MPI_Comm comm, int ok, char *err, size_t errlen)
{
    int rc = 0;
    for (int f = 0; f < 3; f++)
        if (mo->z[f]) {
            char msg[512];
            if (npzout_close(mo->z[f], comm, ok, msg, sizeof msg) != 0 && !rc) {
                snprintf(err, errlen, "%s", msg);
                rc = EIO;
            }
            mo->z[f] = NULL;
        }
    free(mo->scratch);
    mo->scratch = NULL;
    return rc;
}

int mixout_save_set(const job_t *job, dtype_t dtype, const matset *set, const char *path,
                    char *err, size_t errlen)
{
    int64_t count = set->count;
    int64_t *shapes = calloc((size_t)(count > 0 ? count : 1) * 2, sizeof *shapes);
    void *a = malloc((size_t)(set->max_elems > 0 ? set->max_elems : 1) * dtype_size(dtype));
    npzout *z = NULL;
    int rc = shapes && a ? 0 : ENOMEM;
    if (rc)
        snprintf(err, errlen, "%s: no memory for the set's shapes", path);
    for (int64_t k = 0; !rc && k < count; k++)
        matset_shape(set, k, &shapes[2 * k], &shapes[2 * k + 1]);
    if (!rc)
        rc = npzout_open(&z, path, count, 2, shapes, dtype, MPI_COMM_SELF, err, errlen);
    for (int64_t k = 0; !rc && k < count; k++) {
        matgen_fill_as(job->seed, k, shapes[2 * k], shapes[2 * k + 1], dtype, a,
                       shapes[2 * k + 1], MATGEN_ROW_MAJOR);
        if (npzout_write(z, k, a) != 0)
            rc = EIO;
    }
    if (z && npzout_close(z, MPI_COMM_SELF, rc == 0, err, errlen) != 0)
        rc = EIO;
    free(shapes);
    free(a);
    return rc;
}
