/* test_mixout: the mixout module under mpirun: sigma, U and V^T of a mixed set written in each dtype, and a generated set saved in each, for npzout.sh's numpy checker.
 *
 * usage: mpirun -np N test_mixout DIR
 *
 * The set: 2 matrices 3x2, 1 of 2x4, 1 of 1x1, 2 of 5x3 (k = 0..5), thin
 * vectors, seed 7. For each dtype D (float64, float32, complex128,
 * complex64), into DIR (which must exist):
 *   D_values.npz, D_u.npz, D_vt.npz  mixout_open, mixout_write of matrix k on
 *       rank k mod N, in reverse order, mixout_close; written from what
 *       LAPACK gives: sigma of dtype_real(D), U (m x p) and V^T (p x n)
 *       column-major in D, element (i, j) of U being
 *           x = 1000 k + 10 i + j + 0.25 w   (w = 1 for U, 2 for V^T)
 *       with, for complex, the imaginary part -(x + 0.125), and sigma's p-th
 *       1000 k + p + 0.5 (all exact in float);
 *   D_set.npz  mixout_save_set on rank 0: the generated matrices in D.
 * On stdout from rank 0, one "PASS desc" or "FAIL desc" line a step (each
 * the AND over all ranks), with rank 0's message as a "# " line; the exit
 * status is 1 when any failed.
 */
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "job.h"
#include "matset.h"
#include "mixout.h"

static int rank, nranks, failed;

/* One PASS/FAIL line, passing when ok is true on every rank; collective. */
static void check(int ok, const char *err, const char *desc)
{
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    failed += !all;
    if (rank != 0)
        return;
    printf("%s %s\n", all ? "PASS" : "FAIL", desc);
    if (!all && err && err[0])
        printf("# rank 0: %s\n", err);
    fflush(stdout);
}

/* Scalar s of buf (of dtype t's scalars: float or double) set to v. */
static void put(void *buf, dtype_t t, int64_t s, double v)
{
    if (dtype_single(t))
        ((float *)buf)[s] = (float)v;
    else
        ((double *)buf)[s] = v;
}

/* The column-major r x c array of matrix k's U (w = 1) or V^T (w = 2) in t. */
static void vectors(void *buf, dtype_t t, int64_t k, int64_t r, int64_t c, int w)
{
    int cplx = dtype_complex(t);
    for (int64_t j = 0; j < c; j++)
        for (int64_t i = 0; i < r; i++) {
            double x = 1000.0 * (double)k + 10.0 * (double)i + (double)j + 0.25 * w;
            int64_t at = i + r * j;
            if (cplx) {
                put(buf, t, 2 * at, x);
                put(buf, t, 2 * at + 1, -(x + 0.125));
            } else {
                put(buf, t, at, x);
            }
        }
}

/* Every matrix's sigma, U and V^T in dtype t: this rank's share. Returns 0 or the first failure. */
static int write_all(mixout_t *mo, const matset *set, dtype_t t)
{
    size_t size = dtype_size(t);
    void *sigma = malloc(8 * sizeof(double)), *u = malloc(64 * size), *vt = malloc(64 * size);
    int rc = sigma && u && vt ? 0 : ENOMEM;
    for (int64_t k = set->count - 1; rc == 0 && k >= 0; k--) {
        if (k % nranks != rank)
            continue;
        int64_t m, n;
        matset_shape(set, k, &m, &n);
        int64_t p = m < n ? m : n;
        for (int64_t i = 0; i < p; i++)
            put(sigma, dtype_real(t), i, 1000.0 * (double)k + (double)i + 0.5);
        vectors(u, t, k, m, p, 1);
        vectors(vt, t, k, p, n, 2);
        rc = mixout_write(mo, k, m, n, sigma, u, vt);
    }
    free(sigma);
    free(u);
    free(vt);
    return rc;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (argc != 2) {
        if (rank == 0)
            fprintf(stderr, "usage: test_mixout DIR\n");
        MPI_Finalize();
        return 2;
    }
    job_t *job = malloc(sizeof *job);
    matset set;
    char err[1024] = "", desc[300];
    const int64_t counts[4] = {2, 1, 1, 2}, rows[4] = {3, 2, 1, 5}, cols[4] = {2, 4, 1, 3};
    if (!job) {
        MPI_Finalize();
        return 2;
    }
    job_init(job);
    if (job_set(job, "vectors", "thin", err, sizeof err) != 0 ||
        job_set(job, "seed", "7", err, sizeof err) != 0 ||
        matset_init_runs(&set, 4, counts, rows, cols) != 0) {
        fprintf(stderr, "test_mixout: %s\n", err[0] ? err : "no memory");
        MPI_Finalize();
        return 2;
    }
    for (int t = 0; t < DTYPE_COUNT; t++) {
        dtype_t d = (dtype_t)t;
        char values[4096], u[4096], vt[4096], saved[4096];
        snprintf(values, sizeof values, "%s/%s_values.npz", argv[1], dtype_name(d));
        snprintf(u, sizeof u, "%s/%s_u.npz", argv[1], dtype_name(d));
        snprintf(vt, sizeof vt, "%s/%s_vt.npz", argv[1], dtype_name(d));
        snprintf(saved, sizeof saved, "%s/%s_set.npz", argv[1], dtype_name(d));
        const char *const paths[3] = {values, u, vt};
        mixout_t mo;
        err[0] = '\0';
        int rc = mixout_open(&mo, job, d, &set, paths, MPI_COMM_WORLD, err, sizeof err);
        snprintf(desc, sizeof desc, "%s: mixout_open returns 0", dtype_name(d));
        check(rc == 0, err, desc);
        if (rc != 0)
            continue;
        int wrote = write_all(&mo, &set, d);
        snprintf(desc, sizeof desc, "%s: every rank writes its matrices", dtype_name(d));
        check(wrote == 0, NULL, desc);
        rc = mixout_close(&mo, MPI_COMM_WORLD, wrote == 0, err, sizeof err);
        snprintf(desc, sizeof desc, "%s: mixout_close returns 0", dtype_name(d));
        check(rc == 0, err, desc);
        rc = rank == 0 ? mixout_save_set(job, d, &set, saved, err, sizeof err) : 0;
        snprintf(desc, sizeof desc, "%s: mixout_save_set returns 0 on rank 0", dtype_name(d));
        check(rc == 0, err, desc);
    }
    matset_free(&set);
    free(job);
    MPI_Finalize();
    return failed ? 1 : 0;
}
