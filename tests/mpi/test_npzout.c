/* test_npzout: the npzout module under mpirun: archives written by every rank, for npzout.sh's numpy checker.
 *
 * usage: mpirun -np N test_npzout DIR [big]
 *
 * Writes into DIR (which must exist) the archives npzout_check.py knows by
 * the same rules (shapes, and which items are never written):
 *   sigma.npz   13 items of ndim 1, n_k = 5k mod 7 elements (0 for k = 0
 *               and 7), items 3 and 7 not written; item k on rank
 *               (12 - k) mod N, each rank writing its items in reverse;
 *   vectors.npz 9 items of ndim 2, (3k mod 5) x ((k + 1) mod 4) (empty for
 *               k = 0, 3, 5, 7), item 4 not written; item k on rank
 *               (7k + 3) mod N, written in a scattered order;
 *   zeros.npz   4 items of ndim 1 of 5, 2^20, 3 * 2^18 and 7 elements,
 *               items 1 and 2 (14 MiB of zeros) not written: data.npy's CRC
 *               over a long run of zeros; items 0 and 3 on the last rank;
 *   empty.npz   0 items of ndim 2;
 *   sigma_f4.npz, vectors_c16.npz, vectors_c8.npz: sigma.npz's and
 *               vectors.npz's items and owners, in float32, complex128 and
 *               complex64.
 * Element i of item k is v = k * 2^20 + i + 0.25 (exact in float64), in
 * float32 (float)v, and complex v - (v + 0.5)i, each part so rounded for
 * complex64.
 * With "big", only big.npz: items of 7, 2^29 + 3 and 5 elements, item 1
 * (4 GiB, a hole in a sparse file) never written, so data.npy's size, item
 * 2's place and the central directory's lie beyond 4 GiB: the ZIP64 fields
 * and end records are needed for real, and the CRC of zeros spans more than
 * 2^32 bytes. Items 0 and 2 on the last rank.
 * Then the failures, each of which must leave no archive and no temporary
 * file: a negative extent and a dtype out of range (EINVAL from open on
 * every rank), ok = 0 on the
 * last rank (EIO from close on every rank), a real write error on the last
 * rank (RLIMIT_FSIZE: EIO from its write, then from close on every rank),
 * an item index out of range (EINVAL from the write, EIO from close), and
 * (N > 1) one item written by ranks 0 and 1 (EIO from close).
 *
 * On stdout from rank 0, one "PASS desc" or "FAIL desc" line a check (the
 * checkers' protocol, which lib.sh's tap_from_checks turns into TAP), each
 * the AND over all ranks, with rank 0's message from npzout as a "# " line;
 * the exit status is 1 when any failed.
 */
#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "npzout.h"

static int rank, nranks, failed;

/* One PASS/FAIL line, passing when ok is true on every rank; collective. */
static void check(int ok, const char *err, const char *fmt, ...)
{
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    failed += !all;
    if (rank != 0)
        return;
    char desc[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(desc, sizeof desc, fmt, ap);
    va_end(ap);
    printf("%s %s\n", all ? "PASS" : "FAIL", desc);
    if (!all && err && err[0])
        printf("# rank 0: %s\n", err);
    fflush(stdout);
}

/* Whether rc is the same on every rank and equal to want. */
static int agreed(int rc, int want)
{
    int lo = 0, hi = 0;
    MPI_Allreduce(&rc, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&rc, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return lo == hi && rc == want;
}

static int64_t elements(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= shape[d];
    return n;
}

/* Item k's values into buf (n elements of dtype). */
static void fill(void *buf, dtype_t dtype, int64_t k, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        double v = (double)k * 1048576.0 + (double)i + 0.25, w = -(v + 0.5);
        switch (dtype) {
        case DTYPE_F32:
            ((float *)buf)[i] = (float)v;
            break;
        case DTYPE_C128:
            ((double *)buf)[2 * i] = v;
            ((double *)buf)[2 * i + 1] = w;
            break;
        case DTYPE_C64:
            ((float *)buf)[2 * i] = (float)v;
            ((float *)buf)[2 * i + 1] = (float)w;
            break;
        default:
            ((double *)buf)[i] = v;
        }
    }
}

/* Writes the items whose owner[] is this rank, in the order given, skipping
 * those marked in skip[]; returns 0 or the first failure. */
static int write_items(npzout *z, dtype_t dtype, int64_t count, int ndim, const int64_t *shapes,
                       const int *owner, const int64_t *order, const int *skip)
{
    int64_t most = 0;
    for (int64_t k = 0; k < count; k++) {
        int64_t n = elements(shapes + k * ndim, ndim);
        most = n > most ? n : most;
    }
    void *buf = malloc((size_t)(most ? most : 1) * dtype_size(dtype));
    int rc = buf ? 0 : ENOMEM;
    for (int64_t j = 0; rc == 0 && j < count; j++) {
        int64_t k = order[j];
        if (owner[k] != rank || skip[k])
            continue;
        fill(buf, dtype, k, elements(shapes + k * ndim, ndim));
        rc = npzout_write(z, k, buf);
    }
    free(buf);
    return rc;
}

/* One archive written and closed; checks that each step returned 0 on every rank. */
static void archive(const char *dir, const char *name, dtype_t dtype, int64_t count, int ndim,
                    const int64_t *shapes, const int *owner, const int64_t *order, const int *skip)
{
    char path[4096], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    npzout *z = NULL;
    int rc = npzout_open(&z, path, count, ndim, shapes, dtype, MPI_COMM_WORLD, err, sizeof err);
    check(agreed(rc, 0), err, "%s: open returns 0 on every rank", name);
    if (rc != 0)
        return;
    int wrote = write_items(z, dtype, count, ndim, shapes, owner, order, skip);
    check(wrote == 0, NULL, "%s: every rank writes its items", name);
    rc = npzout_close(z, MPI_COMM_WORLD, 1, err, sizeof err);
    check(agreed(rc, 0), err, "%s: close returns 0 on every rank", name);
}

static void good_archives(const char *dir)
{
    enum { NS = 13, NV = 9, NZ = 4 };
    int64_t s_shapes[NS], s_order[NS], v_shapes[2 * NV], v_order[NV], z_shapes[NZ], z_order[NZ];
    int s_owner[NS], s_skip[NS] = {0}, v_owner[NV], v_skip[NV] = {0}, z_owner[NZ], z_skip[NZ] = {0};
    for (int k = 0; k < NS; k++) {
        s_shapes[k] = 5 * k % 7;
        s_owner[k] = (NS - 1 - k) % nranks;
        s_order[k] = NS - 1 - k;
    }
    s_skip[3] = s_skip[7] = 1;
    archive(dir, "sigma.npz", DTYPE_F64, NS, 1, s_shapes, s_owner, s_order, s_skip);
    archive(dir, "sigma_f4.npz", DTYPE_F32, NS, 1, s_shapes, s_owner, s_order, s_skip);

    for (int k = 0; k < NV; k++) {
        v_shapes[2 * k] = 3 * k % 5;
        v_shapes[2 * k + 1] = (k + 1) % 4;
        v_owner[k] = (7 * k + 3) % nranks;
        v_order[k] = (4 * k + 2) % NV;      /* 2, 6, 1, 5, 0, 4, 8, 3, 7 */
    }
    v_skip[4] = 1;
    archive(dir, "vectors.npz", DTYPE_F64, NV, 2, v_shapes, v_owner, v_order, v_skip);
    archive(dir, "vectors_c16.npz", DTYPE_C128, NV, 2, v_shapes, v_owner, v_order, v_skip);
    archive(dir, "vectors_c8.npz", DTYPE_C64, NV, 2, v_shapes, v_owner, v_order, v_skip);

    const int64_t zs[NZ] = {5, 1 << 20, 3 << 18, 7};
    for (int k = 0; k < NZ; k++) {
        z_shapes[k] = zs[k];
        z_owner[k] = nranks - 1;
        z_order[k] = k;
    }
    z_skip[1] = z_skip[2] = 1;
    archive(dir, "zeros.npz", DTYPE_F64, NZ, 1, z_shapes, z_owner, z_order, z_skip);

    archive(dir, "empty.npz", DTYPE_F64, 0, 2, NULL, NULL, NULL, NULL);
}

/* dir/name opened for 5 items of the given shapes, with a check that it
 * was; returns it, or NULL. Collective. */
static npzout *open_five(const char *dir, const char *name, const int64_t *shapes, char *err,
                         size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    npzout *z = NULL;
    int rc = npzout_open(&z, path, 5, 1, shapes, DTYPE_F64, MPI_COMM_WORLD, err, errlen);
    check(agreed(rc, 0), err, "%s: open returns 0", name);
    return rc == 0 ? z : NULL;
}

/* The failures: each must return the same code on every rank and leave no
 * file (npzout.sh checks the directory). */
static void failures(const char *dir)
{
    char path[4096], err[512] = "";
    npzout *z = NULL;
    int64_t bad[3] = {2, -1, 4};
    snprintf(path, sizeof path, "%s/einval.npz", dir);
    int rc = npzout_open(&z, path, 3, 1, bad, DTYPE_F64, MPI_COMM_WORLD, err, sizeof err);
    check(agreed(rc, EINVAL) && !z && strstr(err, "item 1"), err,
          "a negative extent: EINVAL from open on every rank, naming the item");
    const int64_t good[3] = {2, 1, 4};
    snprintf(path, sizeof path, "%s/baddtype.npz", dir);
    rc = npzout_open(&z, path, 3, 1, good, (dtype_t)DTYPE_COUNT, MPI_COMM_WORLD, err, sizeof err);
    check(agreed(rc, EINVAL) && !z && strstr(err, "no dtype"), err,
          "a dtype out of range: EINVAL from open on every rank");

    int64_t shapes[5] = {1000, 1000, 1000, 1000, 1000};
    double *buf = malloc(1000 * sizeof *buf);
    fill(buf, DTYPE_F64, 0, 1000);
    int last = rank == nranks - 1;

    if ((z = open_five(dir, "notok.npz", shapes, err, sizeof err))) {
        npzout_write(z, rank % 5, buf);
        rc = npzout_close(z, MPI_COMM_WORLD, !last, err, sizeof err);
        check(agreed(rc, EIO) && err[0], err, "ok = 0 on the last rank: EIO from close on every "
                                              "rank, with a message");
    }

    /* a real I/O error: writes beyond RLIMIT_FSIZE fail with EFBIG (SIGXFSZ
     * ignored); item 4 starts beyond 32 KiB, the limit is 16 KiB */
    if ((z = open_five(dir, "ioerror.npz", shapes, err, sizeof err))) {
        struct rlimit old, small;
        int wrc = 0, limited = 0;
        if (last) {
            signal(SIGXFSZ, SIG_IGN);
            limited = getrlimit(RLIMIT_FSIZE, &old) == 0;
            small = old;
            small.rlim_cur = 16384;
            limited = limited && setrlimit(RLIMIT_FSIZE, &small) == 0;
            wrc = npzout_write(z, 4, buf);
            if (limited)
                setrlimit(RLIMIT_FSIZE, &old);
        }
        check(!last || (limited && wrc == EIO), NULL, "a write beyond RLIMIT_FSIZE on the last rank "
                                                      "returns EIO");
        rc = npzout_close(z, MPI_COMM_WORLD, 1, err, sizeof err);
        check(agreed(rc, EIO) && err[0], err, "after that write error, EIO from close on every "
                                              "rank, with a message");
    }

    if ((z = open_five(dir, "badk.npz", shapes, err, sizeof err))) {
        int wrc = last ? npzout_write(z, 5, buf) : 0;
        check(!last || wrc == EINVAL, NULL, "item 5 of 5: EINVAL from the write");
        rc = npzout_close(z, MPI_COMM_WORLD, 1, err, sizeof err);
        check(agreed(rc, EIO), err, "after it, EIO from close on every rank");
    }

    /* the same item from two ranks: the CRCs summed on rank 0 show two writers */
    if (nranks > 1 && (z = open_five(dir, "twice.npz", shapes, err, sizeof err))) {
        int wrc = rank < 2 ? npzout_write(z, 2, buf) : 0;
        rc = npzout_close(z, MPI_COMM_WORLD, wrc == 0, err, sizeof err);
        check(agreed(rc, EIO) && (rank != 0 || strstr(err, "item 2 was written by 2 ranks")), err,
              "item 2 written by ranks 0 and 1: EIO from close on every rank, naming it");
    }
    free(buf);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (argc != 2 && argc != 3) {
        if (rank == 0)
            fprintf(stderr, "usage: test_npzout DIR [big]\n");
        MPI_Finalize();
        return 2;
    }
    if (argc == 3 && strcmp(argv[2], "big") == 0) {
        int64_t shapes[3] = {7, (INT64_C(1) << 29) + 3, 5}, order[3] = {2, 1, 0};
        int owner[3] = {nranks - 1, nranks - 1, nranks - 1}, skip[3] = {0, 1, 0};
        archive(argv[1], "big.npz", DTYPE_F64, 3, 1, shapes, owner, order, skip);
    } else {
        good_archives(argv[1]);
        failures(argv[1]);
    }
    MPI_Finalize();
    return failed ? 1 : 0;
}
