/* checkpoint: per-rank append-only logs of finished results, and reading them back for --resume. */
#include "checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "hash.h"
#include "npy.h"
#include "sysinfo.h"

#define CKPT_MAGIC "SVDRCKP1"
#define CKPT_RECORD_MAGIC 0x52445653u   /* "SVDR" */
/* the dtype's place in the kernel field: files from before it read as float64 */
#define CKPT_DTYPE_SHIFT 256
/* input_kind of a complex input: 2 * element size + order, plus this */
#define CKPT_INPUT_COMPLEX 64
/* input_kind of mixed sets: beyond any 2 * element size + order */
enum { CKPT_INPUT_SHAPES = 100, CKPT_INPUT_DIST = 101, CKPT_INPUT_FILES = 102 };

typedef struct {
    char magic[8];
    int64_t rows, cols, count;
    uint64_t seed;
    int32_t vectors, driver;
    int32_t input_kind;     /* 0: generated; else 2 * element size + Fortran order */
    int32_t kernel;         /* job_kernel, plus the dtype times CKPT_DTYPE_SHIFT: 0 (lapack,
                             * float64) in files from before the keys */
    uint64_t input_id;      /* the input's path, size and mtime, hashed */
} ckpt_header;

typedef struct {
    uint32_t magic;
    uint32_t check;        /* FNV-1a 32 of the 24 bytes below */
    int64_t index;
    int64_t value;
    double sum;
} ckpt_record;

_Static_assert(sizeof(ckpt_header) == 64, "header is 64 bytes");
_Static_assert(sizeof(ckpt_record) == 32, "record is 32 bytes");

static uint32_t record_check(const ckpt_record *r)
{
    const unsigned char *p = (const unsigned char *)&r->index;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < 24; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void make_header(ckpt_header *h, const job_t *job, job_kernel kernel)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, CKPT_MAGIC, 8);
    h->rows = job->rows;
    h->cols = job->cols;
    h->count = job->count;
    h->seed = job->seed;
    h->vectors = (int32_t)job->vectors;
    h->driver = (int32_t)job->driver;
    /* a checkpointed run has one dtype (resume_check): its results are that precision's */
    h->kernel = (int32_t)kernel + CKPT_DTYPE_SHIFT * (int32_t)(job->n_dtypes ? job->dtypes[0] : 0);
    if (job->input_files) {
        /* a multi-file input: its table's hash of every path, size and mtime */
        h->input_kind = CKPT_INPUT_FILES;
        h->input_id = job->input_identity;
    } else if (job_mixed(job)) {
        /* mixed shapes: the classes or the distribution, field by field */
        const matset_spec *sp = &job->set;
        uint64_t id = HASH_FNV1A64_INIT;
        for (int i = 0; i < sp->n_classes; i++) {
            const int64_t c[3] = {sp->classes[i].rows, sp->classes[i].cols, sp->classes[i].count};
            id = hash_fnv1a64(id, c, sizeof c);
        }
        if (sp->dist) {
            const double d[2] = {sp->median, sp->sigma};
            const int64_t b[2] = {sp->dist_min, sp->dist_max};
            id = hash_fnv1a64(hash_fnv1a64(id, d, sizeof d), b, sizeof b);
        }
        h->input_kind = sp->dist ? CKPT_INPUT_DIST : CKPT_INPUT_SHAPES;
        h->input_id = id;
    } else if (job->input[0]) {
        /* another file of the same shape must not resume this checkpoint; the
         * size and mtime are those rank 0 read with the header (cli_read_input
         * checked that the size is the header plus the data), so no rank stats
         * the input again */
        h->input_kind = 2 * job->input_esize + job->input_fortran +
                        (dtype_complex(job->input_dtype) ? CKPT_INPUT_COMPLEX : 0);
        int64_t facts[2] = {job->input_offset + job->count * job->rows * job->cols *
                                                     job->input_esize,
                            job->input_mtime};
        h->input_id = hash_fnv1a64(hash_fnv1a64(HASH_FNV1A64_INIT, job->input, strlen(job->input)),
                                   facts, sizeof facts);
    }
}

/* npy_write_all, returning 0 or the errno value. */
static int write_all(int fd, const void *buf, size_t len)
{
    return npy_write_all(fd, buf, len) == 0 ? 0 : errno;
}

int checkpoint_open(checkpoint_writer *w, const char *dir, int rank, const job_t *job,
                    job_kernel kernel, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/rank-%d.ckpt", dir, rank);
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    ckpt_header h;
    make_header(&h, job, kernel);
    int rc = write_all(w->fd, &h, sizeof h);
    if (!rc && fdatasync(w->fd) != 0)
        rc = errno;
    if (rc) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(rc));
        close(w->fd);
        w->fd = -1;
        return -1;
    }
    atomic_store_explicit(&w->last_sync, sysinfo_now(), memory_order_relaxed);
    return 0;
}

int checkpoint_append(checkpoint_writer *w, int64_t k, const svd_result *res)
{
    ckpt_record r = {.magic = CKPT_RECORD_MAGIC, .index = k, .value = res->value, .sum = res->sum};
    r.check = record_check(&r);
    /* one write: O_APPEND keeps concurrent records whole */
    ssize_t n;
    do
        n = write(w->fd, &r, sizeof r);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof r)
        return n < 0 ? errno : EIO;
    /* the thread whose exchange succeeds syncs; the others saw it done */
    double now = sysinfo_now();
    double last = atomic_load_explicit(&w->last_sync, memory_order_relaxed);
    if (now - last >= 1.0 &&
        atomic_compare_exchange_strong_explicit(&w->last_sync, &last, now, memory_order_relaxed,
                                                memory_order_relaxed) &&
        fdatasync(w->fd) != 0)
        return errno;
    return 0;
}

int checkpoint_close(checkpoint_writer *w)
{
    if (w->fd < 0)
        return 0;
    int rc = fdatasync(w->fd) != 0 ? errno : 0;
    if (close(w->fd) != 0 && !rc)
        rc = errno;
    w->fd = -1;
    return rc;
}

static int is_ckpt_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".ckpt") == 0 && name[0] != '.';
}

int checkpoint_exists(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int found = 0;
    for (struct dirent *e; !found && (e = readdir(d));)
        found = is_ckpt_name(e->d_name);
    closedir(d);
    return found;
}

/* The first field where h differs from the job's identity, or NULL. */
static const char *header_mismatch(const ckpt_header *h, const job_t *job, job_kernel kernel)
{
    ckpt_header want;
    make_header(&want, job, kernel);
    if (memcmp(h->magic, want.magic, 8) != 0)
        return "magic (not an svdrun checkpoint)";
    if (h->rows != want.rows)
        return "rows";
    if (h->cols != want.cols)
        return "cols";
    if (h->count != want.count)
        return "count";
    if (h->seed != want.seed)
        return "seed";
    if (h->vectors != want.vectors)
        return "vectors";
    if (h->driver != want.driver)
        return "driver";
    if (h->kernel / CKPT_DTYPE_SHIFT != want.kernel / CKPT_DTYPE_SHIFT) {
        static const char *const there[DTYPE_COUNT] = {
            "dtype (float64 there)", "dtype (float32 there)", "dtype (complex128 there)",
            "dtype (complex64 there)"};
        int d = h->kernel / CKPT_DTYPE_SHIFT;
        return d >= 0 && d < DTYPE_COUNT ? there[d] : "dtype";
    }
    if (h->kernel != want.kernel) {
        static const char *const there[JOB_KERNELS] = {
            "kernel (lapack there)", "kernel (twostage there)", "kernel (jacobi there)",
            "kernel (auto there)"};
        int k = h->kernel % CKPT_DTYPE_SHIFT;
        return k >= 0 && k < JOB_KERNELS ? there[k] : "kernel";
    }
    if (h->input_kind != want.input_kind || h->input_id != want.input_id)
        return h->input_kind >= CKPT_INPUT_SHAPES || want.input_kind >= CKPT_INPUT_SHAPES
                   ? "set (shapes, size_dist, or the input's files)"
                   : "input (file, dtype, order, size or modification time)";
    return NULL;
}

/* Adds one file's records to st. Returns 0 or -1 with err. */
static int load_file(const char *path, const job_t *job, job_kernel kernel, checkpoint_state *st,
                     char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return CHECKPOINT_EIO;
    }
    ckpt_header h;
    const char *bad = NULL;
    if (fread(&h, sizeof h, 1, f) != 1)
        bad = "shorter than its 64-byte header";
    else if ((bad = header_mismatch(&h, job, kernel)) != NULL && strncmp(bad, "magic", 5) != 0) {
        snprintf(err, errlen,
                 "%s: written for another job: its %s differs from this job's (resume with the "
                 "same rows, cols, count, seed, vectors, driver, dtype and kernel, or the same shapes, "
                 "size_dist or input)",
                 path, bad);
        fclose(f);
        return CHECKPOINT_EREFUSED;
    }
    if (bad) {
        snprintf(err, errlen, "%s: not an svdrun checkpoint: %s", path, bad);
        fclose(f);
        return CHECKPOINT_EIO;
    }
    ckpt_record r;
    size_t got;
    while ((got = fread(&r, 1, sizeof r, f)) == sizeof r) {
        if (r.magic != CKPT_RECORD_MAGIC || r.check != record_check(&r) || r.index < 0 ||
            r.index >= st->count) {
            st->torn++;      /* recomputed, not trusted */
            continue;
        }
        if (st->done[r.index]) {
            if (st->results[r.index].value != r.value) {
                snprintf(err, errlen,
                         "%s: matrix %lld recorded twice with different results (%lld and "
                         "%lld): the checkpoint cannot be trusted",
                         path, (long long)r.index, (long long)st->results[r.index].value,
                         (long long)r.value);
                fclose(f);
                return CHECKPOINT_EIO;
            }
            continue;
        }
        st->done[r.index] = 1;
        st->results[r.index] = (svd_result){.value = r.value, .sum = r.sum, .info = 0};
        st->n_done++;
    }
    if (got > 0)
        st->torn++;          /* the torn last record of a crash */
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "%s: cannot read", path);
        return CHECKPOINT_EIO;
    }
    st->files++;
    return 0;
}

int checkpoint_load(const char *dir, const job_t *job, job_kernel kernel, checkpoint_state *st,
                    char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    st->count = job->count;
    DIR *d = opendir(dir);
    if (!d) {
        int missing = errno == ENOENT || errno == ENOTDIR;
        snprintf(err, errlen, "%s: cannot open the checkpoint directory: %s", dir, strerror(errno));
        return missing ? CHECKPOINT_EREFUSED : CHECKPOINT_EIO;
    }
    st->done = calloc((size_t)job->count, 1);
    st->results = calloc((size_t)job->count, sizeof *st->results);
    if (!st->done || !st->results) {
        closedir(d);
        snprintf(err, errlen, "%s: no memory for %lld results", dir, (long long)job->count);
        return CHECKPOINT_EIO;
    }
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        if (!is_ckpt_name(e->d_name))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc = load_file(path, job, kernel, st, err, errlen);
    }
    closedir(d);
    if (rc == 0 && st->files == 0) {
        snprintf(err, errlen, "%s: no checkpoint here (no .ckpt file); start with --checkpoint %s",
                 dir, dir);
        rc = CHECKPOINT_EREFUSED;
    }
    return rc;
}

int checkpoint_merge(const char *dir, const job_t *job, job_kernel kernel,
                     const checkpoint_state *st, char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/merged.ckpt", dir);
    /* the temporary name does not end in .ckpt: no reader takes it for a log */
    int rc = files_temp_path(tmp, sizeof tmp, path);
    int fd = rc ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(rc ? rc : errno));
        return CHECKPOINT_EIO;
    }
    ckpt_header h;
    make_header(&h, job, kernel);
    rc = write_all(fd, &h, sizeof h);
    enum { BATCH = 1024 };
    ckpt_record batch[BATCH];
    int n = 0;
    for (int64_t k = 0; rc == 0 && k < st->count; k++) {
        if (!st->done[k])
            continue;
        batch[n] = (ckpt_record){.magic = CKPT_RECORD_MAGIC, .index = k,
                                 .value = st->results[k].value, .sum = st->results[k].sum};
        batch[n].check = record_check(&batch[n]);
        if (++n == BATCH) {
            rc = write_all(fd, batch, sizeof batch);
            n = 0;
        }
    }
    if (rc == 0 && n > 0)
        rc = write_all(fd, batch, (size_t)n * sizeof batch[0]);
    if (rc == 0 && fsync(fd) != 0)
        rc = errno;
    if (close(fd) != 0 && rc == 0)
        rc = errno;
    if (files_replace(tmp, path, rc, err, errlen))
        return CHECKPOINT_EIO;
    /* the merged file now holds every record: the rank files may go */
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));)
            if (is_ckpt_name(e->d_name) && strncmp(e->d_name, "rank-", 5) == 0) {
                char old[4096];
                snprintf(old, sizeof old, "%s/%s", dir, e->d_name);
                unlink(old);
            }
        closedir(d);
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);   /* the rename and unlinks reach the disk */
        close(dfd);
    }
    return 0;
}

void checkpoint_state_free(checkpoint_state *st)
{
    free(st->done);
    free(st->results);
    memset(st, 0, sizeof *st);
}
