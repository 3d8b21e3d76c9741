/* test_checkpoint: the per-rank result logs: concurrent appends, torn and corrupt records,
 * foreign headers, duplicates across files, and the merge --resume makes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "checkpoint.h"
#include "npy.h"
#include "npyfile.h"
#include "sysinfo.h"
#include "tmpdir.h"

/* The documented file layout (checkpoint.h), restated here so the tests
 * check it instead of borrowing the module's own constants. */
#define HEADER_BYTES 64
#define RECORD_BYTES 32
#define RECORD_MAGIC 0x52445653u   /* "SVDR" as a little-endian uint32 */

/* A link seam: checkpoint.o's fdatasync calls land here and are counted;
 * the real system call still runs. */
static atomic_int sync_calls;

int fdatasync(int fd)
{
    atomic_fetch_add(&sync_calls, 1);
    return (int)syscall(SYS_fdatasync, fd);
}

/* The result the tests record for matrix k: negative values too, and a sum
 * exactly representable so it can be compared with ==. */
static svd_result result_of(int64_t k)
{
    int64_t v = 3 * k - 1000;
    return (svd_result){.value = v, .sum = (double)v + 0.375, .info = 0};
}

/* A generated job: size x size matrices, count of them, the given seed. */
static void small_job(job_t *job, int size, int count, int seed)
{
    char err[JOB_MSG_MAX], text[32];
    job_init(job);
    snprintf(text, sizeof text, "%d", size);
    assert_int_equal(job_set(job, "size", text, err, sizeof err), 0);
    snprintf(text, sizeof text, "%d", count);
    assert_int_equal(job_set(job, "count", text, err, sizeof err), 0);
    snprintf(text, sizeof text, "%d", seed);
    assert_int_equal(job_set(job, "seed", text, err, sizeof err), 0);
}

/* Writes DIR/rank-R.ckpt holding result_of(k) for each of the n indices. */
static void write_rank(const char *dir, int rank, const job_t *job, job_kernel kernel,
                       const int64_t *idx, int n)
{
    checkpoint_writer w;
    char err[256] = "";
    if (checkpoint_open(&w, dir, rank, job, kernel, err, sizeof err) != 0)
        fail_msg("checkpoint_open: %s", err);
    for (int i = 0; i < n; i++) {
        svd_result r = result_of(idx[i]);
        assert_int_equal(checkpoint_append(&w, idx[i], &r), 0);
    }
    assert_int_equal(checkpoint_close(&w), 0);
}

static void rank_path(char *path, size_t len, const char *dir, int rank)
{
    snprintf(path, len, "%s/rank-%d.ckpt", dir, rank);
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Appends len bytes to path, creating it. */
static void append_bytes(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    close(fd);
}

/* Loads dir expecting success. */
static void load_ok(const char *dir, const job_t *job, job_kernel kernel, checkpoint_state *st)
{
    char err[512] = "";
    if (checkpoint_load(dir, job, kernel, st, err, sizeof err) != 0)
        fail_msg("checkpoint_load: %s", err);
}

/* Loads dir expecting failure of kind want (CHECKPOINT_EREFUSED: not this
 * job's checkpoint, a usage error; CHECKPOINT_EIO: unreadable or corrupt),
 * with a message holding both needles (NULL: none). */
static void load_bad_kind(const char *dir, const job_t *job, job_kernel kernel, int want,
                          const char *needle1, const char *needle2)
{
    char err[512] = "";
    checkpoint_state st;
    int rc = checkpoint_load(dir, job, kernel, &st, err, sizeof err);
    checkpoint_state_free(&st);
    if (rc != want)
        fail_msg("checkpoint_load returned %d, expected %d", rc, want);
    if (needle1 && !strstr(err, needle1))
        fail_msg("message '%s' does not name '%s'", err, needle1);
    if (needle2 && !strstr(err, needle2))
        fail_msg("message '%s' does not name '%s'", err, needle2);
}

/* Asserts st knows exactly the indices flagged in want[0..count), each with result_of. */
static void assert_known(const checkpoint_state *st, const uint8_t *want, int64_t count)
{
    int64_t n = 0;
    assert_int_equal(st->count, count);
    for (int64_t k = 0; k < count; k++) {
        if (st->done[k] != want[k])
            fail_msg("matrix %lld: done is %d, expected %d", (long long)k, st->done[k], want[k]);
        if (!want[k])
            continue;
        n++;
        svd_result r = result_of(k);
        if (st->results[k].value != r.value || st->results[k].sum != r.sum ||
            st->results[k].info != 0)
            fail_msg("matrix %lld: read back %lld / %g, expected %lld / %g", (long long)k,
                     (long long)st->results[k].value, st->results[k].sum, (long long)r.value,
                     r.sum);
    }
    assert_int_equal(st->n_done, n);
}

/* Loads dir expecting exactly the indices flagged in want[0..job->count)
 * known, from files .ckpt files, with torn records ignored. */
static void expect_state(const char *dir, const job_t *job, job_kernel kernel, const uint8_t *want,
                         int files, int64_t torn)
{
    checkpoint_state st;
    load_ok(dir, job, kernel, &st);
    assert_known(&st, want, job->count);
    assert_int_equal(st.files, files);
    assert_int_equal(st.torn, torn);
    checkpoint_state_free(&st);
}

/* Most tests: a fresh directory, and a job of ten 4 x 4 matrices, seed 1. */
typedef struct {
    char dir[TMPDIR_FIXTURE_DIR];    /* first: tmpdir_fixture makes it */
    job_t job;
} fixture;

static int setup(void **state)
{
    fixture *f = tmpdir_fixture(sizeof *f, "test_checkpoint");
    assert_non_null(f);
    small_job(&f->job, 4, 10, 1);
    *state = f;
    return 0;
}

/* ---- concurrent appends (thread_mode = batch appends from every thread) ---- */

enum { APPEND_THREADS = 4, APPENDS_PER_THREAD = 2500 };

typedef struct {
    checkpoint_writer *w;
    int tid;
    int rc;
} appender;

/* Thread tid records matrices tid, tid + APPEND_THREADS, ... */
static void *append_loop(void *arg)
{
    appender *a = arg;
    for (int64_t i = 0; i < APPENDS_PER_THREAD && a->rc == 0; i++) {
        int64_t k = a->tid + i * APPEND_THREADS;
        svd_result r = result_of(k);
        a->rc = checkpoint_append(a->w, k, &r);
    }
    return NULL;
}

/* Opens rank 0 of a job of APPEND_THREADS x APPENDS_PER_THREAD matrices in
 * dir, whose last sync is as old as can be, so the first appends of every
 * thread reach the sync; appends from APPEND_THREADS threads at once; closes.
 * Returns the seconds the appends took; *syncs, the fdatasync calls they made. */
static double append_from_threads(const char *dir, job_t *job, int *syncs)
{
    small_job(job, 3, APPEND_THREADS * APPENDS_PER_THREAD, 7);
    checkpoint_writer w;
    char err[256] = "";
    if (checkpoint_open(&w, dir, 0, job, JOB_KERNEL_LAPACK, err, sizeof err) != 0)
        fail_msg("checkpoint_open: %s", err);
    w.last_sync = 0.0;   /* as if the last sync were long ago */
    pthread_t threads[APPEND_THREADS];
    appender args[APPEND_THREADS];
    int before = atomic_load(&sync_calls);
    double t0 = sysinfo_now();
    for (int t = 0; t < APPEND_THREADS; t++) {
        args[t] = (appender){.w = &w, .tid = t, .rc = 0};
        assert_int_equal(pthread_create(&threads[t], NULL, append_loop, &args[t]), 0);
    }
    for (int t = 0; t < APPEND_THREADS; t++)
        assert_int_equal(pthread_join(threads[t], NULL), 0);
    double seconds = sysinfo_now() - t0;
    *syncs = atomic_load(&sync_calls) - before;
    for (int t = 0; t < APPEND_THREADS; t++)
        if (args[t].rc != 0)
            fail_msg("thread %d: checkpoint_append returned %d", t, args[t].rc);
    assert_int_equal(checkpoint_close(&w), 0);
    return seconds;
}

static void test_concurrent_appends_keep_every_record(void **state)
{
    fixture *f = *state;
    char path[4096];
    int syncs;
    append_from_threads(f->dir, &f->job, &syncs);

    /* every record whole: the header and exactly one record per append */
    rank_path(path, sizeof path, f->dir, 0);
    assert_int_equal(file_size(path), HEADER_BYTES + (off_t)f->job.count * RECORD_BYTES);
    uint8_t *all = malloc((size_t)f->job.count);
    assert_non_null(all);
    memset(all, 1, (size_t)f->job.count);
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, all, 1, 0);
    free(all);
}

/* Syncs stay at most one a second with every thread appending: the first
 * append syncs (the last sync is old), and each further one needs a second
 * since the one before. */
static void test_concurrent_appends_sync_at_most_once_a_second(void **state)
{
    fixture *f = *state;
    int syncs;
    double seconds = append_from_threads(f->dir, &f->job, &syncs);
    if (syncs < 1 || syncs > 1 + (int)seconds)
        fail_msg("%d fdatasync calls in %.2f s of appends: expected 1 to %d", syncs, seconds,
                 1 + (int)seconds);
}

/* ---- one writer, reading back ---- */

static void test_open_syncs_header_and_close_syncs(void **state)
{
    fixture *f = *state;
    char path[4096], err[256] = "";
    checkpoint_writer w;
    int before = atomic_load(&sync_calls);
    assert_int_equal(checkpoint_open(&w, f->dir, 3, &f->job, JOB_KERNEL_LAPACK, err, sizeof err),
                     0);
    assert_int_equal(atomic_load(&sync_calls) - before, 1);
    rank_path(path, sizeof path, f->dir, 3);
    assert_int_equal(file_size(path), HEADER_BYTES);
    before = atomic_load(&sync_calls);
    assert_int_equal(checkpoint_close(&w), 0);
    assert_int_equal(atomic_load(&sync_calls) - before, 1);
    assert_int_equal(w.fd, -1);
    assert_int_equal(checkpoint_close(&w), 0);   /* closing twice is harmless */

    /* an empty log loads: nothing known yet */
    const uint8_t none[10] = {0};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, none, 1, 0);
}

static void test_open_names_the_file_it_cannot_create(void **state)
{
    fixture *f = *state;
    char dir[300], err[512] = "";
    snprintf(dir, sizeof dir, "%s/missing", f->dir);
    checkpoint_writer w;
    assert_int_equal(checkpoint_open(&w, dir, 2, &f->job, JOB_KERNEL_LAPACK, err, sizeof err), -1);
    assert_non_null(strstr(err, "/missing/rank-2.ckpt: cannot create"));
}

static void test_appended_records_load_back(void **state)
{
    fixture *f = *state;
    const int64_t idx[] = {9, 0, 4};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, idx, 3);
    const uint8_t want[10] = {[0] = 1, [4] = 1, [9] = 1};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 1, 0);
}

/* FNV-1a 32 (offset basis 2166136261, prime 16777619) of len bytes. */
static uint32_t fnv1a32(const unsigned char *p, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Appends to path a record laid out as checkpoint.h documents it: magic,
 * the FNV-1a 32 of the 24 bytes after it, index, value, sum; little-endian. */
static void append_record(const char *path, int64_t index, int64_t value, double sum)
{
    unsigned char rec[RECORD_BYTES];
    uint32_t magic = RECORD_MAGIC;
    memcpy(rec, &magic, 4);
    memcpy(rec + 8, &index, 8);
    memcpy(rec + 16, &value, 8);
    memcpy(rec + 24, &sum, 8);
    uint32_t check = fnv1a32(rec + 8, 24);
    memcpy(rec + 4, &check, 4);
    append_bytes(path, rec, sizeof rec);
}

/* Records written by hand in the documented layout are read; those whose
 * index lies outside the job are counted and ignored. */
static void test_hand_written_records_follow_the_documented_layout(void **state)
{
    fixture *f = *state;
    char path[4096];
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, NULL, 0);
    rank_path(path, sizeof path, f->dir, 0);
    svd_result r6 = result_of(6);
    append_record(path, 6, r6.value, r6.sum);
    append_record(path, 10, 1, 1.0);       /* past count */
    append_record(path, -1, 1, 1.0);
    const uint8_t want[10] = {[6] = 1};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 1, 2);
}

/* A crash mid-write leaves part of the last record: it is ignored and
 * counted, and every whole record before it is kept. */
static void test_torn_last_record_ignored_and_counted(void **state)
{
    fixture *f = *state;
    char path[4096];
    const int64_t idx[] = {1, 2, 3};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, idx, 3);
    rank_path(path, sizeof path, f->dir, 0);
    assert_int_equal(truncate(path, HEADER_BYTES + 2 * RECORD_BYTES + 13), 0);
    const uint8_t want[10] = {[1] = 1, [2] = 1};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 1, 1);
}

/* Flips one bit of the byte at offset off of path. */
static void flip_bit(const char *path, off_t off)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, off), 1);
    b ^= 0x10;
    assert_int_equal(pwrite(fd, &b, 1, off), 1);
    close(fd);
}

/* A record whose check or magic does not hold is not trusted: ignored and
 * counted, and the records after it still count. */
static void test_corrupt_record_ignored_and_counted(void **state)
{
    fixture *f = *state;
    char path[4096];
    const int64_t idx[] = {5, 6, 7, 8};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, idx, 4);
    rank_path(path, sizeof path, f->dir, 0);
    flip_bit(path, HEADER_BYTES + 1 * RECORD_BYTES + 17);   /* matrix 6's value */
    flip_bit(path, HEADER_BYTES + 2 * RECORD_BYTES + 0);    /* matrix 7's magic */
    const uint8_t want[10] = {[5] = 1, [8] = 1};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 1, 2);
}

/* A checkpoint of another job is refused, naming the file and the field. */
static void test_foreign_header_refused(void **state)
{
    fixture *f = *state;
    char path[4096], err[JOB_MSG_MAX];
    const int64_t idx[] = {0};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, idx, 1);
    rank_path(path, sizeof path, f->dir, 0);

    /* job keys and the word their difference is named by */
    static const char *const other[][3] = {
        {"seed", "2", "seed"},       {"count", "11", "count"},      {"size", "5", "rows"},
        {"cols", "5", "cols"},       {"vectors", "thin", "vectors"}, {"driver", "gesvd", "driver"},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        job_t job = f->job;
        assert_int_equal(job_set(&job, other[i][0], other[i][1], err, sizeof err), 0);
        load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, path, other[i][2]);
        load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "written for another job", NULL);
    }
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_TWOSTAGE, CHECKPOINT_EREFUSED, path, "kernel (lapack there)");

    /* and the other way round: a twostage checkpoint, resumed with lapack */
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_TWOSTAGE, idx, 1);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, path, "kernel (twostage there)");

    /* a float32 checkpoint's integers are not float64's: resumed with another dtype, refused */
    job_t single = f->job;
    single.n_dtypes = 1;
    single.dtypes[0] = DTYPE_F32;
    write_rank(f->dir, 0, &single, JOB_KERNEL_LAPACK, idx, 1);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, path, "dtype (float32 there)");
    job_t cplx = single;
    cplx.dtypes[0] = DTYPE_C64;
    load_bad_kind(f->dir, &cplx, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, path, "dtype (float32 there)");
    checkpoint_state st;
    assert_int_equal(checkpoint_load(f->dir, &single, JOB_KERNEL_LAPACK, &st, err, sizeof err), 0);
    checkpoint_state_free(&st);
}

/* Files that are no checkpoint at all: another magic, or shorter than a header. */
static void test_not_a_checkpoint_refused(void **state)
{
    fixture *f = *state;
    char path[4096], text[100];
    snprintf(path, sizeof path, "%s/notes.ckpt", f->dir);
    memset(text, 'x', sizeof text);
    append_bytes(path, text, sizeof text);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EIO, path, "not an svdrun checkpoint");
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EIO, "magic", NULL);
    assert_int_equal(truncate(path, HEADER_BYTES - 1), 0);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EIO, path, "shorter than its 64-byte header");
}

/* The job a launch makes of input file path: its header read afresh. */
static job_t input_job(const char *path)
{
    job_t job;
    char err[JOB_MSG_MAX];
    job_init(&job);
    assert_int_equal(job_set(&job, "input", path, err, sizeof err), 0);
    /* as cli_read_input does it (cli is not linked into make tsan's tests) */
    npy_header h;
    if (npy_read_header(path, &h, err, sizeof err) != 0)
        fail_msg("npy_read_header: %s", err);
    const job_input_header in = {h.ndim, {h.shape[0], h.shape[1], h.shape[2]}, h.dtype,
                                 h.fortran_order, h.data_offset, h.mtime};
    if (job_set_input_header(&job, &in, err, sizeof err) != 0 ||
        job_validate(&job, err, sizeof err) != 0)
        fail_msg("job_validate: %s", err);
    return job;
}

/* Another file of the same shape, or the same file modified, is another
 * input; the same file unchanged, read by a later launch, is not. */
static void test_other_input_refused(void **state)
{
    fixture *f = *state;
    char npy[300], copy[300];
    snprintf(npy, sizeof npy, "%s/in.npy", f->dir);
    snprintf(copy, sizeof copy, "%s/copy.npy", f->dir);
    const int64_t shape[3] = {2, 3, 3};
    assert_int_equal(npyfile_write(npy, "<f8", 0, 3, shape, 0, NULL, 18 * 8), 0);
    assert_int_equal(npyfile_write(copy, "<f8", 0, 3, shape, 0, NULL, 18 * 8), 0);
    job_t job = input_job(npy);
    const int64_t idx[] = {1};
    write_rank(f->dir, 0, &job, JOB_KERNEL_LAPACK, idx, 1);
    const uint8_t want[2] = {0, 1};
    job = input_job(npy);
    expect_state(f->dir, &job, JOB_KERNEL_LAPACK, want, 1, 0);

    job = input_job(copy);
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "input", NULL);
    /* a generated job of the same shape is not that input either */
    small_job(&job, 3, 2, 0);
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "input", NULL);
    /* the same bytes, another modification time */
    struct timespec times[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
    assert_int_equal(utimensat(AT_FDCWD, npy, times, 0), 0);
    job = input_job(npy);
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "input", NULL);
}

/* The job of a mixed set: key = value, and count when given. */
static job_t mixed_job(const char *key, const char *value, const char *count)
{
    job_t job;
    char err[JOB_MSG_MAX];
    job_init(&job);
    assert_int_equal(job_set(&job, key, value, err, sizeof err), 0);
    if (count)
        assert_int_equal(job_set(&job, "count", count, err, sizeof err), 0);
    if (job_validate(&job, err, sizeof err) != 0)
        fail_msg("job_validate: %s", err);
    return job;
}

/* Mixed sets have rows and cols 0: their classes or distribution are the
 * identity, so another set of the same count and seed is refused, and the
 * same set resumes. */
static void test_other_mixed_set_refused(void **state)
{
    fixture *f = *state;
    job_t job = mixed_job("shapes", "4x3:2, 5x5:8", NULL);
    const int64_t idx[] = {3};
    write_rank(f->dir, 0, &job, JOB_KERNEL_LAPACK, idx, 1);
    uint8_t want[10] = {0};
    want[3] = 1;
    expect_state(f->dir, &job, JOB_KERNEL_LAPACK, want, 1, 0);
    job = mixed_job("shapes", "4x3:2, 5x4:8", NULL);       /* the same count, another shape */
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "set (shapes", NULL);
    job = mixed_job("size_dist", "lognormal:4:1:1:9", "10");
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "set (shapes", NULL);
    job_t a = mixed_job("size_dist", "lognormal:4:1:1:9", "10");
    write_rank(f->dir, 0, &a, JOB_KERNEL_LAPACK, idx, 1);
    expect_state(f->dir, &a, JOB_KERNEL_LAPACK, want, 1, 0);
    job = mixed_job("size_dist", "lognormal:4:1.5:1:9", "10");
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "set (shapes", NULL);
    small_job(&job, 5, 10, 0);      /* one shape, the same count and seed */
    load_bad_kind(f->dir, &job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "written for another job", NULL);
}

/* Two ranks' files that record one matrix: agreeing, it counts once;
 * disagreeing, the checkpoint is refused. */
static void test_agreeing_duplicates_count_once(void **state)
{
    fixture *f = *state;
    const int64_t a[] = {0, 3}, b[] = {3, 4};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, a, 2);
    write_rank(f->dir, 1, &f->job, JOB_KERNEL_LAPACK, b, 2);
    const uint8_t want[10] = {[0] = 1, [3] = 1, [4] = 1};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 2, 0);
}

static void test_disagreeing_duplicates_refused(void **state)
{
    fixture *f = *state;
    char path[4096];
    const int64_t a[] = {0, 3};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, a, 2);
    write_rank(f->dir, 1, &f->job, JOB_KERNEL_LAPACK, NULL, 0);
    rank_path(path, sizeof path, f->dir, 1);
    svd_result r3 = result_of(3);
    append_record(path, 3, r3.value + 1, r3.sum + 1);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EIO, "matrix 3", "different results");
}

/* The merge keeps every known result in merged.ckpt and removes the rank
 * files; a later launch's rank files load together with it. */
static void test_merge_replaces_rank_files(void **state)
{
    fixture *f = *state;
    char path[4096], err[512] = "";
    const int64_t a[] = {0, 2, 4}, b[] = {1, 2};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, a, 3);
    write_rank(f->dir, 1, &f->job, JOB_KERNEL_LAPACK, b, 2);
    checkpoint_state st;
    load_ok(f->dir, &f->job, JOB_KERNEL_LAPACK, &st);
    int rc = checkpoint_merge(f->dir, &f->job, JOB_KERNEL_LAPACK, &st, err, sizeof err);
    checkpoint_state_free(&st);
    if (rc != 0)
        fail_msg("checkpoint_merge: %s", err);

    snprintf(path, sizeof path, "%s/merged.ckpt", f->dir);
    assert_int_equal(file_size(path), HEADER_BYTES + 4 * RECORD_BYTES);
    for (int r = 0; r < 2; r++) {
        rank_path(path, sizeof path, f->dir, r);
        assert_int_equal(access(path, F_OK), -1);
    }
    uint8_t want[10] = {[0] = 1, [1] = 1, [2] = 1, [4] = 1};
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 1, 0);

    /* the resumed launch appends to rank files of its own */
    const int64_t c[] = {7};
    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, c, 1);
    want[7] = 1;
    expect_state(f->dir, &f->job, JOB_KERNEL_LAPACK, want, 2, 0);
}

static void test_missing_or_empty_directory(void **state)
{
    fixture *f = *state;
    char dir[300], path[4096];
    snprintf(dir, sizeof dir, "%s/missing", f->dir);
    assert_int_equal(checkpoint_exists(dir), 0);
    load_bad_kind(dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, dir, "cannot open the checkpoint directory");

    assert_int_equal(checkpoint_exists(f->dir), 0);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "no checkpoint here", "--checkpoint");
    /* hidden files (a merge's temporary) and other names are not checkpoints */
    snprintf(path, sizeof path, "%s/.hidden.ckpt", f->dir);
    append_bytes(path, "", 0);
    snprintf(path, sizeof path, "%s/rank-0.ckpt.bak", f->dir);
    append_bytes(path, "", 0);
    assert_int_equal(checkpoint_exists(f->dir), 0);
    load_bad_kind(f->dir, &f->job, JOB_KERNEL_LAPACK, CHECKPOINT_EREFUSED, "no checkpoint here", NULL);

    write_rank(f->dir, 0, &f->job, JOB_KERNEL_LAPACK, NULL, 0);
    assert_int_equal(checkpoint_exists(f->dir), 1);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(test_concurrent_appends_keep_every_record),
        FIXTURE_TEST(test_concurrent_appends_sync_at_most_once_a_second),
        FIXTURE_TEST(test_open_syncs_header_and_close_syncs),
        FIXTURE_TEST(test_open_names_the_file_it_cannot_create),
        FIXTURE_TEST(test_appended_records_load_back),
        FIXTURE_TEST(test_hand_written_records_follow_the_documented_layout),
        FIXTURE_TEST(test_torn_last_record_ignored_and_counted),
        FIXTURE_TEST(test_corrupt_record_ignored_and_counted),
        FIXTURE_TEST(test_foreign_header_refused),
        FIXTURE_TEST(test_not_a_checkpoint_refused),
        FIXTURE_TEST(test_other_input_refused),
        FIXTURE_TEST(test_other_mixed_set_refused),
        FIXTURE_TEST(test_agreeing_duplicates_count_once),
        FIXTURE_TEST(test_disagreeing_duplicates_refused),
        FIXTURE_TEST(test_merge_replaces_rank_files),
        FIXTURE_TEST(test_missing_or_empty_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
