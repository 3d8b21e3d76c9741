/* test_members: a multi-file input scanned on rank 0, broadcast, and its matrices read by every rank with memread, printed exactly for numpy to check (tests/mpi/members.sh).
 *
 * usage: mpirun -np N test_members [--as DTYPE] INPUT OUTDIR [K...]
 *
 * Rank 0 scans INPUT (members_scan); a refusal is printed on stderr as
 * "test_members: MESSAGE" and every rank exits 2. The set is packed,
 * broadcast and unpacked on every rank (rank 0 too). The matrices K... (all,
 * in order, when none are given) are dealt out in that order, position p to
 * rank p mod N, so a rank may read backwards or jump between members. Each
 * is read as DTYPE (float64, float32, complex128, complex64; by default the
 * set's dtype, the join of its files'). Each rank writes OUTDIR/RANK.txt: a
 * first line "set COUNT IDENTITY SETDTYPE READDTYPE", then for each matrix
 * read a line "K NAME ROWS COLS V..." with its elements in column-major
 * order, a complex one as its real then its imaginary part, each as a C99
 * hex float (%a: exact; a float widened). Matrices are read with a leading
 * dimension of rows + 1 whose padding row must stay untouched. Exit 1 on a
 * read failure or a touched padding row, naming the matrix.
 */
#include <inttypes.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "members.h"
#include "memread.h"

#define PAD_BYTE 0xa5

/* Every rank gets rank 0's set, through members_pack and a broadcast. */
static int share(const char *input, members_set *set, int rank)
{
    members_set scanned;
    char err[2048] = "";
    void *buf = NULL;
    size_t len = 0;
    long status[2] = {0, 0};    /* scan status, packed length */
    if (rank == 0) {
        int rc = members_scan(input, &scanned, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "test_members: %s\n", rc == -1 ? err : strerror(rc));
        else if (members_pack(&scanned, &buf, &len) != 0)
            rc = 1;
        members_free(&scanned);
        status[0] = rc;
        status[1] = (long)len;
    }
    MPI_Bcast(status, 2, MPI_LONG, 0, MPI_COMM_WORLD);
    if (status[0] != 0)
        return status[0] == -1 ? 2 : 1;
    len = (size_t)status[1];
    if (rank != 0 && !(buf = malloc(len)))
        return 1;
    MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
    int rc = members_unpack(set, buf, len);
    free(buf);
    if (rc != 0)
        fprintf(stderr, "test_members: rank %d: members_unpack: %s\n", rank, strerror(rc));
    return rc ? 1 : 0;
}

/* Scalar i of a buffer of to's elements (2 a complex element), as a double. */
static double scalar(const unsigned char *a, dtype_t to, int64_t i)
{
    if (dtype_single(to)) {
        float f;
        memcpy(&f, a + 4 * i, 4);
        return f;
    }
    double d;
    memcpy(&d, a + 8 * i, 8);
    return d;
}

static int read_one(memread *r, const members_set *set, int64_t k, dtype_t to, FILE *out)
{
    int64_t rows, cols;
    members_shape(set, k, &rows, &cols);
    int64_t ld = rows + 1, parts = dtype_complex(to) ? 2 : 1;
    size_t size = dtype_size(to), bytes = (size_t)(ld * (cols > 0 ? cols : 1)) * size;
    unsigned char *a = malloc(bytes);
    if (!a)
        return 1;
    memset(a, PAD_BYTE, bytes);
    int rc = memread_matrix(r, k, a, ld, to);
    if (rc != 0) {
        fprintf(stderr, "test_members: %s\n", memread_error(r));
        free(a);
        return 1;
    }
    char name[1024];
    members_name(set, k, name, sizeof name);
    fprintf(out, "%" PRId64 " %s %" PRId64 " %" PRId64, k, name, rows, cols);
    for (int64_t j = 0; j < cols; j++) {
        for (int64_t i = 0; i < rows * parts; i++)
            fprintf(out, " %a", scalar(a, to, (ld * j) * parts + i));
        for (size_t b = 0; b < size; b++)
            if (a[(size_t)(rows + ld * j) * size + b] != PAD_BYTE) {
                fprintf(stderr, "test_members: matrix %" PRId64 ": the padding row was written\n",
                        k);
                rc = 1;
                break;
            }
    }
    fputc('\n', out);
    free(a);
    return rc;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *as = NULL;
    if (argc > 2 && strcmp(argv[1], "--as") == 0) {
        as = argv[2];
        argc -= 2;
        argv += 2;
    }
    dtype_t to = DTYPE_F64;
    if (argc < 3 || (as && dtype_from_name(as, &to) != 0)) {
        if (rank == 0)
            fprintf(stderr, "usage: test_members [--as DTYPE] INPUT OUTDIR [K...]\n");
        MPI_Finalize();
        return 2;
    }
    members_set set;
    int rc = share(argv[1], &set, rank);
    if (rc != 0) {
        MPI_Finalize();
        return rc;
    }
    if (!as)
        to = set.dtype;
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.txt", argv[2], rank);
    FILE *out = fopen(path, "w");
    memread *r = NULL;
    if (!out || memread_open(&set, &r) != 0) {
        fprintf(stderr, "test_members: rank %d: cannot open %s or a reader\n", rank, path);
        rc = 1;
    }
    if (rc == 0)
        fprintf(out, "set %" PRId64 " %016" PRIx64 " %s %s\n", set.count, set.identity,
                dtype_name(set.dtype), dtype_name(to));
    int64_t n = argc > 3 ? argc - 3 : set.count;
    for (int64_t p = rank; rc == 0 && p < n; p += size)
        rc = read_one(r, &set, argc > 3 ? strtoll(argv[3 + p], NULL, 10) : p, to, out);
    memread_close(r);
    if (out && fclose(out) != 0)
        rc = 1;
    members_free(&set);
    int worst = 0;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return worst;
}
