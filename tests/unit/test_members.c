/* test_members: multi-file inputs scanned (members), their zip archives' directories read (zipdir) and their matrices read (memread, one rank on MPI_COMM_SELF), each element checked against where the .npy and zip formats put it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include "dtype.h"
#include "members.h"
#include "memread.h"
#include "npyfile.h"
#include "tmpdir.h"
#include "zipdir.h"

/* Element (i, j) of matrix k of the file tagged tag: exact in float too. */
static double value(int tag, int64_t k, int64_t i, int64_t j)
{
    return 100000.0 * tag + 1000.0 * (double)k + 10.0 * (double)i + (double)j + 0.5;
}

typedef struct {
    char dir[TMPDIR_FIXTURE_DIR];    /* first: tmpdir_fixture makes it */
    char sub[300];                   /* a subdirectory, removed by the teardown when made */
} fixture;

static int setup(void **state)
{
    fixture *f = tmpdir_fixture(sizeof *f, "test_members");
    assert_non_null(f);
    snprintf(f->sub, sizeof f->sub, "%s/sub", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tmpdir_remove(f->sub);      /* when it was made */
    return tmpdir_teardown(state);
}

/* dir/name: a .npy of such a stack (ndim 2: one matrix, no count). */
static void write_stack(const char *dir, const char *name, const char *descr, int fortran,
                        int ndim, int64_t count, int64_t rows, int64_t cols, int tag)
{
    char path[512];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *data = npyfile_stack_data(descr, fortran, count, rows, cols, value, tag, &len);
    assert_non_null(data);
    const int64_t shape[3] = {count, rows, cols};
    assert_int_equal(npyfile_write(path, descr, fortran, ndim, ndim == 3 ? shape : shape + 1, 0,
                                   data, len), 0);
    free(data);
}

/* What a test stack should hold, file by file. */
typedef struct {
    const char *name, *descr;
    int fortran, ndim;
    int64_t count, rows, cols;
    int tag;
} stack_spec;

/* The directory test's files, in strcmp order ("B" < "a"). */
static const stack_spec mixed[] = {
    {"B.npy", "<f4", 1, 2, 1, 4, 2, 1},
    {"a.npy", "<f8", 0, 2, 1, 3, 4, 2},
    {"b.npy", "<f8", 1, 3, 2, 3, 2, 3},
    {"c.npy", "<f4", 0, 3, 3, 2, 5, 4},
    {"d.npy", "<f8", 0, 3, 1, 1, 1, 5},
};
#define N_MIXED (sizeof mixed / sizeof mixed[0])

static void write_mixed(const char *dir)
{
    for (size_t i = N_MIXED; i-- > 0;)      /* written backwards: the order is the names' */
        write_stack(dir, mixed[i].name, mixed[i].descr, mixed[i].fortran, mixed[i].ndim,
                    mixed[i].count, mixed[i].rows, mixed[i].cols, mixed[i].tag);
}

/* Every matrix of set, read with leading dimension rows + 2, is specs'
 * (n of them, in order), every element exact, the padding untouched. */
static void expect_matrices(const members_set *set, const stack_spec *specs, size_t n,
                            int backwards)
{
    memread *r;
    assert_int_equal(memread_open(set, &r), 0);
    int64_t k = backwards ? set->count - 1 : 0;
    for (size_t s0 = 0; s0 < n; s0++) {
        const stack_spec *s = &specs[backwards ? n - 1 - s0 : s0];
        for (int64_t c0 = 0; c0 < s->count; c0++, k += backwards ? -1 : 1) {
            int64_t c = backwards ? s->count - 1 - c0 : c0, ld = s->rows + 2;
            double *a = malloc((size_t)(ld * s->cols) * sizeof *a);
            assert_non_null(a);
            for (int64_t i = 0; i < ld * s->cols; i++)
                a[i] = -1.0;
            if (memread_matrix(r, k, a, ld, DTYPE_F64) != 0)
                fail_msg("matrix %lld: %s", (long long)k, memread_error(r));
            for (int64_t j = 0; j < s->cols; j++)
                for (int64_t i = 0; i < ld; i++) {
                    double want = i < s->rows ? value(s->tag, c, i, j) : -1.0;
                    if (a[i + ld * j] != want)
                        fail_msg("%s matrix %lld (%lld in the file): (%lld, %lld) is %g, not %g",
                                 s->name, (long long)k, (long long)c, (long long)i, (long long)j,
                                 a[i + ld * j], want);
                }
            free(a);
        }
    }
    memread_close(r);
}

/* ---- kinds ---- */

static void test_kinds(void **state)
{
    fixture *f = *state;
    char err[512] = "", path[512];
    assert_int_equal(members_kind(f->dir, err, sizeof err), MEMBERS_DIR);
    write_stack(f->dir, "a.npy", "<f8", 0, 2, 1, 2, 2, 0);
    snprintf(path, sizeof path, "%s/a.npy", f->dir);
    assert_int_equal(members_kind(path, err, sizeof err), MEMBERS_NONE);
    assert_int_equal(tmpdir_write(f->dir, "x.npz", "PK\x03\x04rest", path, sizeof path), 0);
    assert_int_equal(members_kind(path, err, sizeof err), MEMBERS_NPZ);
    assert_int_equal(tmpdir_write(f->dir, "e.npz", "PK\x05\x06", path, sizeof path), 0);
    assert_int_equal(members_kind(path, err, sizeof err), MEMBERS_NPZ);
    assert_int_equal(tmpdir_write(f->dir, "l.txt", "a.npy\n", path, sizeof path), 0);
    assert_int_equal(members_kind(path, err, sizeof err), MEMBERS_LIST);
    assert_int_equal(tmpdir_write(f->dir, "empty.txt", "", path, sizeof path), 0);
    assert_int_equal(members_kind(path, err, sizeof err), MEMBERS_LIST);
    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(members_kind(path, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "No such file"));
    snprintf(path, sizeof path, "%s/fifo", f->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(members_kind(path, err, sizeof err), -1);
    assert_non_null(strstr(err, "neither a regular file nor a directory"));
}

/* ---- a directory ---- */

static void test_directory_of_mixed_files(void **state)
{
    fixture *f = *state;
    write_mixed(f->dir);
    char path[512], err[1024] = "";
    assert_int_equal(tmpdir_write(f->dir, "notes.txt", "not numpy", path, sizeof path), 0);
    assert_int_equal(tmpdir_write(f->dir, ".hidden.npy", "not numpy", path, sizeof path), 0);
    assert_int_equal(mkdir(f->sub, 0700), 0);      /* not recursive */
    write_stack(f->sub, "z.npy", "<f8", 0, 2, 1, 2, 2, 9);
    members_set set;
    if (members_scan(f->dir, &set, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(set.kind, MEMBERS_DIR);
    assert_int_equal(set.n, N_MIXED);
    assert_int_equal(set.n_paths, N_MIXED);
    assert_null(set.names);
    int64_t first = 0;
    for (size_t i = 0; i < N_MIXED; i++) {
        const members_entry *e = &set.entries[i];
        snprintf(path, sizeof path, "%s/%s", f->dir, mixed[i].name);
        assert_string_equal(set.paths[e->path], path);
        assert_int_equal(e->first, first);
        assert_int_equal(e->count, mixed[i].count);
        assert_int_equal(e->rows, mixed[i].rows);
        assert_int_equal(e->cols, mixed[i].cols);
        assert_int_equal(e->dtype, strcmp(mixed[i].descr, "<f4") == 0 ? DTYPE_F32 : DTYPE_F64);
        assert_int_equal(e->fortran, mixed[i].fortran);
        assert_int_equal(e->comp_bytes, 0);
        first += mixed[i].count;
    }
    assert_int_equal(set.count, first);
    assert_int_equal(set.dtype, DTYPE_F64);     /* '<f4' and '<f8' files: float64 holds both */
    expect_matrices(&set, mixed, N_MIXED, 0);
    expect_matrices(&set, mixed, N_MIXED, 1);
    members_free(&set);

    /* a trailing slash gives the same paths */
    snprintf(path, sizeof path, "%s/", f->dir);
    assert_int_equal(members_scan(path, &set, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/B.npy", f->dir);
    assert_string_equal(set.paths[0], path);
    members_free(&set);
}

/* members_find at every boundary, members_shape and members_name with it. */
static void test_find_shape_and_name(void **state)
{
    fixture *f = *state;
    write_mixed(f->dir);
    members_set set;
    char err[1024] = "", name[512], want[512];
    assert_int_equal(members_scan(f->dir, &set, err, sizeof err), 0);
    /* entries' firsts: 0 1 2 4 7, count 8 */
    static const int64_t entry_of[] = {0, 1, 2, 2, 3, 3, 3, 4};
    for (int64_t k = 0; k < 8; k++) {
        assert_int_equal(members_find(&set, k), entry_of[k]);
        int64_t rows, cols;
        members_shape(&set, k, &rows, &cols);
        assert_int_equal(rows, mixed[entry_of[k]].rows);
        assert_int_equal(cols, mixed[entry_of[k]].cols);
        members_name(&set, k, name, sizeof name);
        snprintf(want, sizeof want, "%s/%s", f->dir, mixed[entry_of[k]].name);
        assert_string_equal(name, want);
    }
    assert_int_equal(members_find(&set, -1), -1);
    assert_int_equal(members_find(&set, 8), -1);
    assert_int_equal(members_find(&set, INT64_MAX), -1);
    int64_t rows = 7, cols = 7;
    members_shape(&set, 8, &rows, &cols);
    assert_true(rows == 0 && cols == 0);
    members_name(&set, -1, name, sizeof name);
    assert_string_equal(name, "?");
    members_name(&set, 0, name, 6);       /* truncated, terminated */
    assert_int_equal(strlen(name), 5);

    /* out of range and a short leading dimension are refused by the reader */
    memread *r;
    double a[16];
    assert_int_equal(memread_open(&set, &r), 0);
    assert_string_equal(memread_error(r), "");
    assert_int_equal(memread_matrix(r, 8, a, 4, DTYPE_F64), EINVAL);
    assert_non_null(strstr(memread_error(r), "no such matrix"));
    assert_int_equal(memread_matrix(r, 1, a, 2, DTYPE_F64), EINVAL);    /* a.npy: 3 rows */
    assert_non_null(strstr(memread_error(r), "leading dimension"));
    memread_close(r);
    members_free(&set);
}

/* ---- a list ---- */

static void test_list_file(void **state)
{
    fixture *f = *state;
    write_mixed(f->dir);
    assert_int_equal(mkdir(f->sub, 0700), 0);
    char text[2048], list[512], err[1024] = "";
    /* comments, blank lines, spaces around, CRLF, relative to the list's
     * directory, an absolute path; no newline at the end */
    snprintf(text, sizeof text, "# the set\n\n  ../c.npy  \r\n#../a.npy\n\t\n%s/B.npy\n../b.npy",
             f->dir);
    assert_int_equal(tmpdir_write(f->sub, "list.txt", text, list, sizeof list), 0);
    members_set set;
    if (members_scan(list, &set, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(set.kind, MEMBERS_LIST);
    const stack_spec want[] = {mixed[3], mixed[0], mixed[2]};
    assert_int_equal(set.n, 3);
    assert_int_equal(set.count, 3 + 1 + 2);
    char path[512];
    snprintf(path, sizeof path, "%s/../c.npy", f->sub);
    assert_string_equal(set.paths[0], path);
    expect_matrices(&set, want, 3, 0);
    expect_matrices(&set, want, 3, 1);
    members_free(&set);
}

/* scan must fail with a message holding each of the strings. */
static void expect_refusal(const char *input, const char *want1, const char *want2)
{
    members_set set;
    char err[1024] = "";
    int rc = members_scan(input, &set, err, sizeof err);
    members_free(&set);
    if (rc != -1 || !strstr(err, want1) || (want2 && !strstr(err, want2)))
        fail_msg("%s: returned %d, \"%s\"; expected -1 with \"%s\" and \"%s\"", input, rc, err,
                 want1, want2 ? want2 : "");
}

static void test_refusals_name_file_and_line(void **state)
{
    fixture *f = *state;
    char path[512], list[512], text[1024];
    /* an empty directory, one with only a subdirectory named *.npy */
    assert_int_equal(mkdir(f->sub, 0700), 0);
    expect_refusal(f->sub, f->sub, "no *.npy files");
    assert_int_equal(tmpdir_write(f->sub, "x.txt", "", path, sizeof path), 0);
    expect_refusal(f->sub, f->sub, "no *.npy files");

    /* each bad file, alone in the directory, is named */
    static const struct {
        const char *descr;
        int ndim;
        const char *why;
    } bad[] = {{"<f8", 1, "a 1-D array"}, {"<f2", 2, "unsupported dtype '<f2'"},
               {">c16", 2, "unsupported dtype '>c16'"}, {">f8", 2, "unsupported dtype '>f8'"},
               {"<i8", 3, "unsupported dtype '<i8'"}};
    write_stack(f->dir, "a.npy", "<f8", 0, 2, 1, 2, 2, 0);
    snprintf(path, sizeof path, "%s/m.npy", f->dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const int64_t shape[3] = {2, 2, 2};
        assert_int_equal(npyfile_write(path, bad[i].descr, 0, bad[i].ndim, shape, 0, NULL, 64), 0);
        expect_refusal(f->dir, path, bad[i].why);
    }
    const int64_t shape[3] = {2, 3, 4};
    assert_int_equal(npyfile_write(path, "<f8", 0, 3, shape, 0, NULL, 2 * 3 * 4 * 8 - 1), 0);
    expect_refusal(f->dir, path, "truncated");
    assert_int_equal(npyfile_write(path, "<f4", 1, 2, shape, 0, NULL, 2 * 3 * 4 + 4), 0);
    expect_refusal(f->dir, path, "too long");
    unlink(path);

    /* lists: the line of a missing file, an empty list, a binary file */
    snprintf(text, sizeof text, "# two good, then one missing\n../a.npy\n\n%s/a.npy\nnope.npy\n",
             f->dir);
    assert_int_equal(tmpdir_write(f->sub, "list.txt", text, list, sizeof list), 0);
    snprintf(text, sizeof text, "%s:5: %s/nope.npy: cannot open: No such file or directory", list,
             f->sub);
    expect_refusal(list, text, NULL);
    assert_int_equal(tmpdir_write(f->sub, "list.txt", "# nothing\n\n   \n#a.npy\n", list,
                                  sizeof list), 0);
    expect_refusal(list, list, "no .npy paths in this list");
    FILE *bin = fopen(list, "wb");
    assert_non_null(bin);
    fwrite("../a.npy\nab\0cd\n", 1, 15, bin);
    fclose(bin);
    snprintf(text, sizeof text, "%s:2: a NUL byte", list);
    expect_refusal(list, text, NULL);
    /* a list naming an archive: not a .npy */
    assert_int_equal(tmpdir_write(f->dir, "x.npz", "PK\x03\x04", path, sizeof path), 0);
    assert_int_equal(tmpdir_write(f->sub, "list.txt", "../x.npz\n", list, sizeof list), 0);
    snprintf(text, sizeof text, "%s:1: ", list);
    expect_refusal(list, text, "not a .npy file");
}

/* ---- a set through a buffer ---- */

static void expect_same_set(const members_set *a, const members_set *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->n_paths, b->n_paths);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->count, b->count);
    assert_int_equal(a->dtype, b->dtype);
    assert_true(a->identity == b->identity);
    assert_true((a->names == NULL) == (b->names == NULL));
    for (int32_t i = 0; i < a->n_paths; i++)
        assert_string_equal(a->paths[i], b->paths[i]);
    for (int64_t i = 0; i < a->n; i++) {
        const members_entry *x = &a->entries[i], *y = &b->entries[i];
        assert_true(x->path == y->path && x->first == y->first && x->count == y->count &&
                    x->rows == y->rows && x->cols == y->cols && x->data_offset == y->data_offset &&
                    x->comp_bytes == y->comp_bytes && x->npy_header == y->npy_header &&
                    x->crc == y->crc && x->dtype == y->dtype && x->fortran == y->fortran);
        if (a->names)
            assert_string_equal(a->names[i], b->names[i]);
    }
}

/* data (len bytes) as a raw deflate stream (zip method 8), into a malloc'd
 * buffer of *out bytes. */
static unsigned char *deflated(const unsigned char *data, size_t len, size_t *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&zs, (uLong)len);
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out = cap - zs.avail_out;
    deflateEnd(&zs);
    return buf;
}

/* set packed, unpacked and found equal; returns the packed buffer (*len
 * bytes, free it) for the caller to spoil. */
static void *expect_round_trip(const members_set *set, size_t *len)
{
    members_set back;
    void *buf;
    assert_int_equal(members_pack(set, &buf, len), 0);
    assert_int_equal(members_unpack(&back, buf, *len), 0);
    expect_same_set(set, &back);
    members_free(&back);
    return buf;
}

/* A zip of n members (names[i], data[i] of len[i] bytes), stored, or
 * deflated where bit i of deflate_mask is set; no zip64, into a malloc'd
 * buffer of *size bytes; written by the format's rules (APPNOTE 4.3),
 * independent of src/zipdir.c. */
static unsigned char *zip_bytes(int n, const char *const *names, unsigned char *const *data,
                                const size_t *len, unsigned deflate_mask, size_t *size)
{
    size_t cap = 22;
    unsigned char **body = calloc((size_t)n + 1, sizeof *body);
    size_t *blen = calloc((size_t)n + 1, sizeof *blen);
    assert_true(body && blen);
    for (int i = 0; i < n; i++) {
        body[i] = deflate_mask >> i & 1 ? deflated(data[i], len[i], &blen[i]) : NULL;
        if (!body[i])
            blen[i] = len[i];
        cap += 30 + 46 + 2 * strlen(names[i]) + blen[i];
    }
    unsigned char *z = calloc(1, cap), *p = z;
    size_t *offsets = calloc((size_t)n + 1, sizeof *offsets);
    assert_true(z && offsets);
#define PUT16(v) (p[0] = (unsigned char)(v), p[1] = (unsigned char)((v) >> 8), p += 2)
#define PUT32(v) (PUT16((v) & 0xffff), PUT16((uint32_t)(v) >> 16))
#define PUTS(s, l) (memcpy(p, s, l), p += (l))
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            size_t nlen = strlen(names[i]);
            uint32_t crc = (uint32_t)crc32(0, data[i], (uInt)len[i]);
            if (pass == 0)
                offsets[i] = (size_t)(p - z);
            PUTS(pass ? "PK\x01\x02" : "PK\x03\x04", 4);
            if (pass)
                PUT16(20);
            PUT16(20), PUT16(0), PUT16(body[i] ? 8 : 0), PUT16(0), PUT16(0);
            PUT32(crc), PUT32(blen[i]), PUT32(len[i]), PUT16(nlen), PUT16(0);
            if (pass)
                PUT16(0), PUT16(0), PUT16(0), PUT32(0), PUT32(offsets[i]);
            PUTS(names[i], nlen);
            if (!pass)
                PUTS(body[i] ? body[i] : data[i], blen[i]);
        }
        if (pass == 0)
            offsets[n] = (size_t)(p - z);
    }
    size_t cd_size = (size_t)(p - z) - offsets[n];
    PUTS("PK\x05\x06", 4);
    PUT16(0), PUT16(0), PUT16(n), PUT16(n), PUT32(cd_size), PUT32(offsets[n]), PUT16(0);
#undef PUT16
#undef PUT32
#undef PUTS
    *size = (size_t)(p - z);
    free(offsets);
    for (int i = 0; i < n; i++)
        free(body[i]);
    free(body);
    free(blen);
    return z;
}

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* dir/name's bytes (at most 8 KiB, *len of them), malloc'd; the file is
 * removed: it goes into an archive. */
static unsigned char *take_file(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    unsigned char *data = malloc(8192);
    assert_non_null(data);
    *len = fread(data, 1, 8192, fp);
    assert_true(*len < 8192);
    fclose(fp);
    unlink(path);
    return data;
}

/* The archive of the test: arr_0.npy 2-D C <f8 3x4, arr_1.npy 3-D Fortran <f4 (2, 3, 2). */
static const stack_spec zipped[] = {
    {"arr_0.npy", "<f8", 0, 2, 1, 3, 4, 6},
    {"arr_1.npy", "<f4", 1, 3, 2, 3, 2, 7},
};

static unsigned char *zipped_archive(const char *dir, size_t *size)
{
    const char *names[2];
    unsigned char *data[2];
    size_t len[2];
    for (int i = 0; i < 2; i++) {
        write_stack(dir, zipped[i].name, zipped[i].descr, zipped[i].fortran, zipped[i].ndim,
                    zipped[i].count, zipped[i].rows, zipped[i].cols, zipped[i].tag);
        data[i] = take_file(dir, zipped[i].name, &len[i]);
        names[i] = zipped[i].name;
    }
    unsigned char *z = zip_bytes(2, names, data, len, 0, size);
    free(data[0]);
    free(data[1]);
    return z;
}

static void test_pack_unpack_round_trip(void **state)
{
    fixture *f = *state;
    char err[1024] = "", path[512];
    members_set set, back;
    write_mixed(f->dir);
    size_t zsize;
    unsigned char *z = zipped_archive(f->dir, &zsize);
    snprintf(path, sizeof path, "%s/x.npz", f->dir);
    write_file(path, z, zsize);
    free(z);
    const char *inputs[] = {f->dir, path};
    for (int in = 0; in < 2; in++) {
        assert_int_equal(members_scan(inputs[in], &set, err, sizeof err), 0);
        size_t len;
        void *buf = expect_round_trip(&set, &len);
        /* every shorter buffer, and a byte more, is refused, never read past */
        for (size_t cut = 0; cut < len; cut++) {
            unsigned char *part = malloc(cut ? cut : 1);
            memcpy(part, buf, cut);
            assert_int_equal(members_unpack(&back, part, cut), EINVAL);
            assert_int_equal(back.n, 0);
            free(part);
        }
        unsigned char *more = malloc(len + 1);
        memcpy(more, buf, len);
        more[len] = 0;
        assert_int_equal(members_unpack(&back, more, len + 1), EINVAL);
        /* a first that disagrees with the counts before it */
        int64_t at = set.n - 1, bad_first = set.entries[at].first + 1;
        unsigned char *hit = memmem(more, len, &set.entries[at].first, sizeof(int64_t));
        if (hit) {
            memcpy(hit, &bad_first, sizeof bad_first);
            assert_int_equal(members_unpack(&back, more, len), EINVAL);
        }
        free(more);
        ((unsigned char *)buf)[0] ^= 1;    /* the magic */
        assert_int_equal(members_unpack(&back, buf, len), EINVAL);
        free(buf);
        members_free(&set);
    }
}

/* The identity follows every path's size and mtime. */
static void test_identity(void **state)
{
    fixture *f = *state;
    write_mixed(f->dir);
    members_set a, b;
    char err[1024] = "", path[512];
    assert_int_equal(members_scan(f->dir, &a, err, sizeof err), 0);
    assert_int_equal(members_scan(f->dir, &b, err, sizeof err), 0);
    assert_true(a.identity == b.identity);
    members_free(&b);
    snprintf(path, sizeof path, "%s/c.npy", f->dir);
    struct timeval t[2] = {{1000000000, 0}, {1000000000, 0}};
    assert_int_equal(utimes(path, t), 0);
    assert_int_equal(members_scan(f->dir, &b, err, sizeof err), 0);
    assert_true(a.identity != b.identity);
    members_free(&a);
    members_free(&b);
}

/* ---- archives ---- */

static void test_stored_archive(void **state)
{
    fixture *f = *state;
    char err[1024] = "", path[512], name[600];
    size_t zsize;
    unsigned char *z = zipped_archive(f->dir, &zsize);
    snprintf(path, sizeof path, "%s/x.npz", f->dir);
    write_file(path, z, zsize);
    free(z);
    members_set set;
    if (members_scan(path, &set, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(set.kind, MEMBERS_NPZ);
    assert_int_equal(set.n_paths, 1);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.count, 3);
    assert_string_equal(set.names[1], "arr_1.npy");
    members_name(&set, 2, name, sizeof name);
    char want[600];
    snprintf(want, sizeof want, "%s:arr_1.npy", path);
    assert_string_equal(name, want);
    expect_matrices(&set, zipped, 2, 0);
    expect_matrices(&set, zipped, 2, 1);
    members_free(&set);
}

/* The offset of the central directory, from the end record of a zip_bytes archive. */
static size_t central_at(const unsigned char *z, size_t size)
{
    const unsigned char *e = z + size - 22 + 16;
    return (size_t)e[0] | (size_t)e[1] << 8 | (size_t)e[2] << 16 | (size_t)e[3] << 24;
}

static void test_archive_refusals(void **state)
{
    fixture *f = *state;
    char path[512];
    size_t zsize;
    unsigned char *good = zipped_archive(f->dir, &zsize), *z = malloc(zsize + 8);
    snprintf(path, sizeof path, "%s/x.npz", f->dir);
    size_t cd = central_at(good, zsize);   /* both names are 9 bytes: entries of 55 */
    assert_memory_equal(good + cd, "PK\x01\x02", 4);
    static const struct {
        size_t at;         /* from the first central entry; SIZE_MAX: see below */
        unsigned char byte;
        const char *why;
    } patches[] = {
        {8, 1, "member 'arr_0.npy': encrypted"},
        {10, 12, "member 'arr_0.npy': compression method 12"},
        {55 + 10, 99, "member 'arr_1.npy': compression method 99"},
        {55 + 45, 0x7f, "member 'arr_1.npy': its offset or size lies outside"},
        {55 + 46, 'b', "member 'brr_1.npy': its local header's name or method differs"},
        {55 + 28, 0, "central directory entry 2: a name of 0 bytes"},
        {55 + 34, 1, "member 'arr_1.npy': on disk 1"},
        {2 * 55 + 4, 1, "a multi-disk"},
        {2 * 55 + 19, 0x7f, "the central directory lies outside the archive"},
        {2 * 55 + 12, 1, "a central directory of 1 bytes cannot hold 2 members"},
        {2 * 55 + 10, 9, "a multi-disk"},     /* 9 members in all, 2 on this disk */
        {1, 'X', "central directory entry 1 is malformed"},
    };
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        memcpy(z, good, zsize);
        z[cd + patches[i].at] = patches[i].byte;
        write_file(path, z, zsize);
        expect_refusal(path, path, patches[i].why);
    }
    /* the data of a member that is not .npy: named by the member */
    memcpy(z, good, zsize);
    memcpy(z + 30 + 9, "XXXXXX", 6);
    write_file(path, z, zsize);
    expect_refusal(path, "member 'arr_0.npy': not a .npy file", NULL);
    /* cut short, or a comment the record does not declare */
    write_file(path, good, zsize - 1);
    expect_refusal(path, "no end of central directory record", NULL);
    memcpy(z, good, zsize);
    memcpy(z + zsize, "comment!", 8);
    write_file(path, z, zsize + 8);
    expect_refusal(path, "no end of central directory record", NULL);
    z[zsize - 2] = 8;      /* declared: then it is fine */
    write_file(path, z, zsize + 8);
    members_set set;
    char err[1024];
    assert_int_equal(members_scan(path, &set, err, sizeof err), 0);
    members_free(&set);

    /* every byte of the archive spoilt in turn: refused or read, never a crash (ASan) */
    for (size_t at = 0; at < zsize; at++)
        for (int v = 0; v < 2; v++) {
            memcpy(z, good, zsize);
            z[at] = v ? 0xff : (unsigned char)(z[at] ^ 0x80);
            write_file(path, z, zsize);
            int rc = members_scan(path, &set, err, sizeof err);
            assert_true(rc == 0 || rc == -1);
            members_free(&set);
        }
    free(z);
    free(good);
}

/* zipdir alone: a name longer than its limit, members counted. */
static void test_zipdir_limits(void **state)
{
    fixture *f = *state;
    char *long_name = malloc(ZIPDIR_MAX_NAME + 2);
    memset(long_name, 'a', ZIPDIR_MAX_NAME + 1);
    long_name[ZIPDIR_MAX_NAME + 1] = '\0';
    const char *names[1] = {long_name};
    unsigned char one = 1, *data[1] = {&one};
    size_t len[1] = {1}, zsize;
    unsigned char *z = zip_bytes(1, names, data, len, 0, &zsize);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/long.zip", f->dir);
    write_file(path, z, zsize);
    FILE *fp = fopen(path, "rb");
    zipdir_member *m;
    int64_t n;
    assert_int_equal(zipdir_read(fileno(fp), (int64_t)zsize, &m, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "a name of 1025 bytes"));
    fclose(fp);
    free(z);
    long_name[ZIPDIR_MAX_NAME] = '\0';
    z = zip_bytes(1, names, data, len, 0, &zsize);
    write_file(path, z, zsize);
    fp = fopen(path, "rb");
    assert_int_equal(zipdir_read(fileno(fp), (int64_t)zsize, &m, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].size, 1);
    assert_int_equal(m[0].method, 0);
    assert_int_equal(m[0].data_offset, 30 + ZIPDIR_MAX_NAME);
    zipdir_free(m, n);
    fclose(fp);
    free(z);
    free(long_name);
}

/* ---- the four dtypes ---- */

/* A file of another dtype, written here by the format's rules (each
 * element's parts as C floats or doubles, real part first), not by dtype.c. */
typedef struct {
    const char *name, *descr;     /* "<f8", "<f4", "<c16" or "<c8" */
    dtype_t dtype;                /* what the scan must say of it */
    int fortran, ndim;
    int64_t count, rows, cols;
    int tag;
    int inexact;                  /* parts no float holds: narrowing must round */
} typed_spec;

/* Part (real, or imag) of element (i, j) of matrix k, as a double: exact in
 * float unless s->inexact. */
static double part(const typed_spec *s, int imag, int64_t k, int64_t i, int64_t j)
{
    double v = imag ? -value(s->tag, k, i, j) - 0.25 : value(s->tag, k, i, j);
    return s->inexact ? v + (imag ? 1.0 / 7.0 : 1.0 / 3.0) : v;
}

static int descr_complex(const char *descr)
{
    return descr[1] == 'c';
}

static int descr_single(const char *descr)
{
    return strcmp(descr, "<f4") == 0 || strcmp(descr, "<c8") == 0;
}

/* s's data bytes (*len of them), malloc'd. */
static unsigned char *typed_data(const typed_spec *s, size_t *len)
{
    int parts = descr_complex(s->descr) ? 2 : 1, single = descr_single(s->descr);
    size_t scalar = single ? 4 : 8, n = (size_t)(s->count * s->rows * s->cols);
    unsigned char *data = malloc(n * parts * scalar);
    assert_non_null(data);
    for (int64_t k = 0; k < s->count; k++)
        for (int64_t i = 0; i < s->rows; i++)
            for (int64_t j = 0; j < s->cols; j++) {
                size_t at = s->fortran ? (size_t)(k + s->count * (i + s->rows * j))
                                       : (size_t)((k * s->rows + i) * s->cols + j);
                for (int p = 0; p < parts; p++) {
                    double v = part(s, p, k, i, j);
                    float fv = (float)v;
                    memcpy(data + (at * parts + p) * scalar, single ? (void *)&fv : (void *)&v,
                           scalar);
                }
            }
    *len = n * parts * scalar;
    return data;
}

static void write_typed(const char *dir, const typed_spec *s)
{
    char path[512];
    size_t len;
    unsigned char *data = typed_data(s, &len);
    snprintf(path, sizeof path, "%s/%s", dir, s->name);
    const int64_t shape[3] = {s->count, s->rows, s->cols};
    assert_int_equal(npyfile_write(path, s->descr, s->fortran, s->ndim,
                                   s->ndim == 3 ? shape : shape + 1, 0, data, len), 0);
    free(data);
}

/* Part p of element e of a buffer of to, as a double. */
static double get_part(const void *a, dtype_t to, size_t e, int p)
{
    int parts = to == DTYPE_C128 || to == DTYPE_C64 ? 2 : 1;
    if (to == DTYPE_F32 || to == DTYPE_C64)
        return ((const float *)a)[e * parts + p];
    return ((const double *)a)[e * parts + p];
}

/* What part p of s's element reads as in to: the file's value (rounded to
 * float when the file is single), then rounded to float when to is single
 * (a C cast: round to nearest); a real file's imaginary part is 0. */
static double want_part(const typed_spec *s, dtype_t to, int p, int64_t k, int64_t i, int64_t j)
{
    if (p == 1 && !descr_complex(s->descr))
        return 0.0;
    double v = part(s, p, k, i, j);
    if (descr_single(s->descr))
        v = (float)v;
    return to == DTYPE_F32 || to == DTYPE_C64 ? (double)(float)v : v;
}

#define PAD_BYTE 0xa5

/* Every matrix of set (specs, n files in order) read as to with leading
 * dimension rows + extra, in order or backwards: every part as want_part
 * says, bit for bit, and the padding rows' bytes untouched. */
static void expect_typed(const members_set *set, const typed_spec *specs, size_t n, dtype_t to,
                         int extra, int backwards)
{
    memread *r;
    assert_int_equal(memread_open(set, &r), 0);
    size_t size = dtype_size(to);
    int parts = to == DTYPE_C128 || to == DTYPE_C64 ? 2 : 1;
    int64_t k = backwards ? set->count - 1 : 0;
    for (size_t s0 = 0; s0 < n; s0++) {
        const typed_spec *s = &specs[backwards ? n - 1 - s0 : s0];
        for (int64_t c0 = 0; c0 < s->count; c0++, k += backwards ? -1 : 1) {
            int64_t c = backwards ? s->count - 1 - c0 : c0, ld = s->rows + extra;
            unsigned char *a = malloc((size_t)(ld * s->cols) * size);
            assert_non_null(a);
            memset(a, PAD_BYTE, (size_t)(ld * s->cols) * size);
            if (memread_matrix(r, k, a, ld, to) != 0)
                fail_msg("%s matrix %lld as %s: %s", s->name, (long long)k, dtype_name(to),
                         memread_error(r));
            for (int64_t j = 0; j < s->cols; j++) {
                for (int64_t i = 0; i < s->rows; i++)
                    for (int p = 0; p < parts; p++) {
                        double got = get_part(a, to, (size_t)(i + ld * j), p),
                               want = want_part(s, to, p, c, i, j);
                        if (memcmp(&got, &want, sizeof got) != 0)
                            fail_msg("%s matrix %lld (%lld in the file) as %s, ld %lld: (%lld, "
                                     "%lld) part %d is %a, not %a", s->name, (long long)k,
                                     (long long)c, dtype_name(to), (long long)ld, (long long)i,
                                     (long long)j, p, got, want);
                    }
                for (size_t b = (size_t)(s->rows + ld * j) * size;
                     b < (size_t)(ld * (j + 1)) * size; b++)
                    if (a[b] != PAD_BYTE)
                        fail_msg("%s matrix %lld as %s: padding byte %zu of column %lld written",
                                 s->name, (long long)k, dtype_name(to), b, (long long)j);
            }
            free(a);
        }
    }
    memread_close(r);
}

/* The typed directory's files, in name order: both complex dtypes in both
 * orders, 2-D and 3-D (a Fortran-order 3-D one through the strided view),
 * and real files, some of them inexact in float. */
static const typed_spec typed[] = {
    {"a.npy", "<c8", DTYPE_C64, 0, 3, 2, 3, 4, 11, 0},
    {"b.npy", "<c16", DTYPE_C128, 1, 3, 3, 4, 2, 12, 0},
    {"c.npy", "<f4", DTYPE_F32, 0, 2, 1, 5, 3, 13, 0},
    {"d.npy", "<f8", DTYPE_F64, 1, 2, 1, 4, 4, 14, 1},
    {"e.npy", "<c16", DTYPE_C128, 0, 2, 1, 2, 5, 15, 1},
    {"f.npy", "<c8", DTYPE_C64, 1, 2, 1, 3, 2, 16, 0},
    {"g.npy", "<f8", DTYPE_F64, 0, 3, 2, 37, 35, 17, 1},    /* more than one transpose tile */
};
#define N_TYPED (sizeof typed / sizeof typed[0])

static void test_typed_directory(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < N_TYPED; i++)
        write_typed(f->dir, &typed[i]);
    members_set set;
    char err[1024] = "";
    if (members_scan(f->dir, &set, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(set.n, N_TYPED);
    for (size_t i = 0; i < N_TYPED; i++)
        assert_int_equal(set.entries[i].dtype, typed[i].dtype);
    assert_int_equal(set.dtype, DTYPE_C128);
    /* as either complex type, with and without padding (ld == rows: the
     * direct read of a Fortran-order matrix of the asked dtype) */
    for (int extra = 0; extra <= 2; extra += 2) {
        expect_typed(&set, typed, N_TYPED, DTYPE_C128, extra, 0);
        expect_typed(&set, typed, N_TYPED, DTYPE_C64, extra, 1);
    }
    members_free(&set);

    /* the real files alone, as float64 and float32: a list of them */
    char list[512], text[256];
    const typed_spec real[] = {typed[2], typed[3], typed[6]};
    snprintf(text, sizeof text, "%s\n%s\n%s\n", real[0].name, real[1].name, real[2].name);
    assert_int_equal(tmpdir_write(f->dir, "real.txt", text, list, sizeof list), 0);
    assert_int_equal(members_scan(list, &set, err, sizeof err), 0);
    assert_int_equal(set.dtype, DTYPE_F64);
    for (int extra = 0; extra <= 2; extra += 2) {
        expect_typed(&set, real, 3, DTYPE_F64, extra, 0);
        expect_typed(&set, real, 3, DTYPE_F32, extra, 1);
    }
    members_free(&set);

    /* a complex matrix is never read as real: the caller's bug, refused */
    assert_int_equal(members_scan(f->dir, &set, err, sizeof err), 0);
    memread *r;
    double a[64];
    assert_int_equal(memread_open(&set, &r), 0);
    assert_int_equal(memread_matrix(r, 0, a, 3, DTYPE_F64), EINVAL);
    assert_non_null(strstr(memread_error(r), "a complex64 matrix cannot be read as float64"));
    assert_int_equal(memread_matrix(r, 2, a, 4, DTYPE_F32), EINVAL);
    assert_non_null(strstr(memread_error(r), "a complex128 matrix cannot be read as float32"));
    memread_close(r);
    members_free(&set);
}

/* The set's dtype is numpy's result_type of its files'; the pack carries it. */
static void test_dtype_join_and_pack(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < N_TYPED; i++)
        write_typed(f->dir, &typed[i]);
    static const struct {
        const char *files;
        dtype_t join;
    } joins[] = {
        {"c.npy\n", DTYPE_F32},               /* float32 alone */
        {"c.npy\nf.npy\n", DTYPE_C64},        /* float32, complex64 */
        {"c.npy\nd.npy\n", DTYPE_F64},        /* float32, float64 */
        {"d.npy\nf.npy\n", DTYPE_C128},       /* float64, complex64: neither holds the other */
        {"a.npy\nf.npy\n", DTYPE_C64},
        {"f.npy\nb.npy\nc.npy\n", DTYPE_C128},
    };
    char list[512], err[1024] = "";
    for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        assert_int_equal(tmpdir_write(f->dir, "l.txt", joins[i].files, list, sizeof list), 0);
        members_set set, back;
        if (members_scan(list, &set, err, sizeof err) != 0)
            fail_msg("%s", err);
        if (set.dtype != joins[i].join)
            fail_msg("%s: the set's dtype is %s, not %s", joins[i].files, dtype_name(set.dtype),
                     dtype_name(joins[i].join));
        size_t len;
        void *buf = expect_round_trip(&set, &len);
        /* the set's dtype sits after the magic, the kind and has_names: one
         * that is not the entries' join, or no dtype at all, is refused */
        int32_t other = set.dtype == DTYPE_F64 ? DTYPE_C128 : DTYPE_F64, none = DTYPE_COUNT;
        memcpy((unsigned char *)buf + 16, &other, sizeof other);
        assert_int_equal(members_unpack(&back, buf, len), EINVAL);
        memcpy((unsigned char *)buf + 16, &none, sizeof none);
        assert_int_equal(members_unpack(&back, buf, len), EINVAL);
        free(buf);
        members_free(&set);
    }
}

/* An archive of complex and real members, stored and deflated (np.savez and
 * np.savez_compressed), read as both complex types, forwards and backwards
 * (a deflated member restarted); a spoilt CRC-32 of a complex member is
 * caught when its last matrix is read. */
static void test_typed_archive(void **state)
{
    fixture *f = *state;
    static const typed_spec members[] = {
        {"arr_0.npy", "<c16", DTYPE_C128, 0, 3, 3, 5, 4, 21, 1},   /* deflated */
        {"arr_1.npy", "<c8", DTYPE_C64, 1, 2, 1, 3, 3, 22, 0},     /* stored */
        {"arr_2.npy", "<f4", DTYPE_F32, 0, 2, 1, 4, 2, 23, 0},     /* deflated */
        {"arr_3.npy", "<c8", DTYPE_C64, 0, 3, 2, 2, 6, 24, 0},     /* deflated */
        {"arr_4.npy", "<c16", DTYPE_C128, 1, 3, 2, 3, 2, 25, 1},   /* stored, Fortran 3-D */
    };
    enum { N = sizeof members / sizeof members[0] };
    const char *names[N];
    unsigned char *data[N];
    size_t len[N], zsize;
    char path[512], err[1024] = "";
    for (int i = 0; i < N; i++) {
        write_typed(f->dir, &members[i]);
        data[i] = take_file(f->dir, members[i].name, &len[i]);
        names[i] = members[i].name;
    }
    unsigned char *z = zip_bytes(N, names, data, len, 1u << 0 | 1u << 2 | 1u << 3, &zsize);
    snprintf(path, sizeof path, "%s/t.npz", f->dir);
    write_file(path, z, zsize);
    members_set set;
    if (members_scan(path, &set, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(set.dtype, DTYPE_C128);
    assert_true(set.entries[0].comp_bytes > 0 && set.entries[1].comp_bytes == 0 &&
                set.entries[3].comp_bytes > 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(set.entries[i].dtype, members[i].dtype);
    expect_typed(&set, members, N, DTYPE_C128, 1, 0);
    expect_typed(&set, members, N, DTYPE_C64, 0, 1);
    members_free(&set);

    /* arr_0's CRC in the central directory, off by one bit */
    size_t cd = central_at(z, zsize);
    z[cd + 16] ^= 1;
    write_file(path, z, zsize);
    assert_int_equal(members_scan(path, &set, err, sizeof err), 0);
    memread *r;
    double buf[2 * 5 * 4];      /* one 5 x 4 complex128 matrix */
    assert_int_equal(memread_open(&set, &r), 0);
    assert_int_equal(memread_matrix(r, 0, buf, 5, DTYPE_C128), 0);
    assert_int_equal(memread_matrix(r, 1, buf, 5, DTYPE_C128), 0);
    assert_int_equal(memread_matrix(r, 2, buf, 5, DTYPE_C128), EIO);
    assert_non_null(strstr(memread_error(r),
                           "t.npz:arr_0.npy: matrix 2: a corrupt member: its CRC-32"));
    memread_close(r);
    members_free(&set);
    for (int i = 0; i < N; i++)
        free(data[i]);
    free(z);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(test_kinds),
        FIXTURE_TEST(test_directory_of_mixed_files),
        FIXTURE_TEST(test_find_shape_and_name),
        FIXTURE_TEST(test_list_file),
        FIXTURE_TEST(test_refusals_name_file_and_line),
        FIXTURE_TEST(test_pack_unpack_round_trip),
        FIXTURE_TEST(test_identity),
        FIXTURE_TEST(test_stored_archive),
        FIXTURE_TEST(test_archive_refusals),
        FIXTURE_TEST(test_zipdir_limits),
        FIXTURE_TEST(test_typed_directory),
        FIXTURE_TEST(test_dtype_join_and_pack),
        FIXTURE_TEST(test_typed_archive),
    };
    MPI_Init(&argc, &argv);
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
