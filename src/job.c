/* job: the job's keys, defaults, parsing (INI file and flags) and validation. */
#include "job.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npy.h"

const char *const job_keys[] = {
    "name", "size", "rows", "cols", "count", "seed", "vectors", "driver",
    "distribute", "ranks", "threads", "thread_mode", "repeat", "engine", "kernel", "group",
    "grid", "block", "input", NULL,
};

static const char *const vectors_names[] = {"none", "thin", "full", NULL};
static const char *const driver_names[] = {"gesdd", "gesvd", NULL};
static const char *const distribute_names[] = {"regenerate", "scatter", NULL};
static const char *const mode_names[] = {"blas", "batch", NULL};
static const char *const engine_names[] = {"lapack", "scalapack", NULL};
static const char *const kernel_names[] = {"lapack", "twostage", NULL};

const char *job_vectors_name(job_vectors v) { return vectors_names[v]; }
const char *job_driver_name(job_driver d) { return driver_names[d]; }
const char *job_distribute_name(job_distribute d) { return distribute_names[d]; }
const char *job_thread_mode_name(job_thread_mode m) { return mode_names[m]; }
const char *job_engine_name(job_engine e) { return engine_names[e]; }
const char *job_kernel_name(job_kernel k) { return kernel_names[k]; }

void job_init(job_t *job)
{
    memset(job, 0, sizeof *job);
    job->vectors = JOB_VECTORS_NONE;
    job->driver = JOB_DRIVER_GESDD;
    job->n_distribute = 1;
    job->distribute[0] = JOB_DIST_REGENERATE;
    job->n_ranks = 0;
    job->n_threads = 1;
    job->threads[0] = 1;
    const char *omp = getenv("OMP_NUM_THREADS");
    if (omp) {
        char *end;
        long t = strtol(omp, &end, 10);
        /* OMP_NUM_THREADS may be a nested list "4,2"; its first level counts */
        if (end != omp && (*end == '\0' || *end == ',') && t > 0 && t <= JOB_THREADS_MAX)
            job->threads[0] = (int)t;
    }
    job->n_thread_modes = 1;
    job->thread_modes[0] = JOB_MODE_BLAS;
    job->repeat = 1;
    job->n_engines = 1;
    job->engines[0] = JOB_ENGINE_LAPACK;
    job->n_kernels = 1;
    job->kernels[0] = JOB_KERNEL_LAPACK;
    job->block = 64;
}

/* Parses a whole decimal integer in [min, max]; why (or NULL) tells the
 * reason for max in the message. Returns 0 or -1 with a message. */
static int parse_int(const char *text, long long min, long long max, const char *why,
                     long long *out, char *err, size_t errlen)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0') {
        snprintf(err, errlen, "empty value, expected a number");
        return -1;
    }
    if (*p == '-') {
        snprintf(err, errlen, "'%s' is negative", text);
        return -1;
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == p || *end != '\0') {
        snprintf(err, errlen, "'%s' is not a whole number", text);
        return -1;
    }
    if (errno == ERANGE || v > (unsigned long long)max) {
        snprintf(err, errlen, "'%s' is too large (at most %lld%s%s)", text, max,
                 why ? ": " : "", why ? why : "");
        return -1;
    }
    if ((long long)v < min) {
        snprintf(err, errlen, "'%s' must be at least %lld", text, min);
        return -1;
    }
    *out = (long long)v;
    return 0;
}

/* The index of text in names, or -1 with the valid choices in err. */
static int parse_enum(const char *text, const char *const *names, char *err, size_t errlen)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    size_t used = (size_t)snprintf(err, errlen, "unknown value '%s' (expected", text);
    for (int i = 0; names[i] && used < errlen; i++)
        used += (size_t)snprintf(err + used, errlen - used, "%s%s", i ? " or " : " ", names[i]);
    if (used < errlen)
        snprintf(err + used, errlen - used, ")");
    return -1;
}

/* Splits a comma list and parses each item as a number in [min, max] or, with
 * names, as an enum. Rejects empty lists and items, and duplicates. */
static int parse_list(const char *text, const char *const *names, long long min, long long max,
                      const char *why, int cap, int *items, int *n_items, char *err, size_t errlen)
{
    char buf[1024];
    if (strlen(text) >= sizeof buf) {
        snprintf(err, errlen, "list is too long");
        return -1;
    }
    strcpy(buf, text);
    int n = 0;
    const char *lead = buf;
    while (*lead == ' ' || *lead == '\t')
        lead++;
    if (*lead == '\0') {
        snprintf(err, errlen, "empty list");
        return -1;
    }
    /* strtok_r would skip empty items silently; "1,,2" is a typo worth naming */
    for (char *item = buf;; ) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        char *s = item;
        while (*s == ' ' || *s == '\t')
            s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (*s == '\0') {
            snprintf(err, errlen, "empty item in list '%s'", text);
            return -1;
        }
        if (n == cap) {
            snprintf(err, errlen, "list '%s' has more than %d items", text, cap);
            return -1;
        }
        long long v;
        if (names) {
            int idx = parse_enum(s, names, err, errlen);
            if (idx < 0)
                return -1;
            v = idx;
        } else if (parse_int(s, min, max, why, &v, err, errlen) != 0) {
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (items[i] == (int)v) {
                snprintf(err, errlen, "'%s' appears twice in list '%s'", s, text);
                return -1;
            }
        items[n++] = (int)v;
        if (!comma)
            break;
        item = comma + 1;
    }
    *n_items = n;
    return 0;
}

int job_set(job_t *job, const char *key, const char *value, char *err, size_t errlen)
{
    job_t next = *job;          /* the job is unchanged on error */
    long long v;
    int items[JOB_LIST_MAX], n;

    if (strcmp(key, "name") == 0) {
        if (value[0] == '\0' || strlen(value) >= JOB_NAME_MAX) {
            snprintf(err, errlen, "name must have 1 to %d characters", JOB_NAME_MAX - 1);
            return -1;
        }
        strcpy(next.name, value);
        next.given |= JOB_GIVEN_NAME;
    } else if (strcmp(key, "size") == 0 || strcmp(key, "rows") == 0 || strcmp(key, "cols") == 0) {
        if (parse_int(value, 1, JOB_DIM_MAX, "LAPACK takes sizes as 32-bit int", &v, err, errlen) != 0)
            goto bad;
        /* the later source wins: a flag --rows on a file with size keeps its cols */
        if (key[0] == 's') {
            next.rows = next.cols = v;
            next.given = (next.given & ~(JOB_GIVEN_ROWS | JOB_GIVEN_COLS)) | JOB_GIVEN_SIZE;
        } else {
            if (next.given & JOB_GIVEN_SIZE)
                next.given = (next.given & ~JOB_GIVEN_SIZE) | JOB_GIVEN_ROWS | JOB_GIVEN_COLS;
            if (key[0] == 'r') {
                next.rows = v;
                next.given |= JOB_GIVEN_ROWS;
            } else {
                next.cols = v;
                next.given |= JOB_GIVEN_COLS;
            }
        }
    } else if (strcmp(key, "count") == 0) {
        if (parse_int(value, 1, JOB_DIM_MAX, "matrix indices are 32-bit int", &v, err, errlen) != 0)
            goto bad;
        next.count = v;
        next.given |= JOB_GIVEN_COUNT;
    } else if (strcmp(key, "seed") == 0) {
        if (parse_int(value, 0, LLONG_MAX, NULL, &v, err, errlen) != 0)
            goto bad;
        next.seed = (uint64_t)v;
    } else if (strcmp(key, "vectors") == 0) {
        int idx = parse_enum(value, vectors_names, err, errlen);
        if (idx < 0)
            goto bad;
        next.vectors = (job_vectors)idx;
    } else if (strcmp(key, "driver") == 0) {
        int idx = parse_enum(value, driver_names, err, errlen);
        if (idx < 0)
            goto bad;
        next.driver = (job_driver)idx;
    } else if (strcmp(key, "distribute") == 0) {
        if (parse_list(value, distribute_names, 0, 0, NULL, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_distribute = n;
        for (int i = 0; i < n; i++)
            next.distribute[i] = (job_distribute)items[i];
    } else if (strcmp(key, "thread_mode") == 0) {
        if (parse_list(value, mode_names, 0, 0, NULL, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_thread_modes = n;
        for (int i = 0; i < n; i++)
            next.thread_modes[i] = (job_thread_mode)items[i];
    } else if (strcmp(key, "ranks") == 0) {
        if (parse_list(value, NULL, 1, JOB_RANKS_MAX, "ranks in one configuration", JOB_LIST_MAX, items, &n, err, errlen) != 0)
            goto bad;
        next.n_ranks = n;
        memcpy(next.ranks, items, (size_t)n * sizeof items[0]);
    } else if (strcmp(key, "threads") == 0) {
        if (parse_list(value, NULL, 1, JOB_THREADS_MAX, "OpenMP threads per rank", JOB_LIST_MAX, items, &n, err, errlen) != 0)
            goto bad;
        next.n_threads = n;
        memcpy(next.threads, items, (size_t)n * sizeof items[0]);
    } else if (strcmp(key, "engine") == 0) {
        if (parse_list(value, engine_names, 0, 0, NULL, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_engines = n;
        for (int i = 0; i < n; i++)
            next.engines[i] = (job_engine)items[i];
    } else if (strcmp(key, "kernel") == 0) {
        if (parse_list(value, kernel_names, 0, 0, NULL, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_kernels = n;
        for (int i = 0; i < n; i++)
            next.kernels[i] = (job_kernel)items[i];
    } else if (strcmp(key, "group") == 0) {
        if (parse_int(value, 1, JOB_RANKS_MAX, "ranks per matrix", &v, err, errlen) != 0)
            goto bad;
        next.group = (int)v;
    } else if (strcmp(key, "grid") == 0) {
        int p, q, used = 0;
        if (strcmp(value, "auto") == 0) {
            next.grid_p = next.grid_q = 0;
        } else if (sscanf(value, "%d%*[xX]%d%n", &p, &q, &used) == 2 && value[used] == '\0' &&
                   p >= 1 && q >= 1 && p <= 1 << 20 && q <= 1 << 20 && isdigit((unsigned char)value[0])) {
            next.grid_p = p;
            next.grid_q = q;
        } else {
            snprintf(err, errlen, "'%s' is not auto or PxQ with P, Q >= 1 (e.g. 2x1)", value);
            goto bad;
        }
    } else if (strcmp(key, "input") == 0) {
        if (value[0] == '\0' || strlen(value) >= JOB_PATH_MAX) {
            snprintf(err, errlen, "input must be a path of 1 to %d characters", JOB_PATH_MAX - 1);
            return -1;
        }
        strcpy(next.input, value);
        next.given |= JOB_GIVEN_INPUT;
    } else if (strcmp(key, "block") == 0) {
        if (parse_int(value, 1, 1 << 20, NULL, &v, err, errlen) != 0)
            goto bad;
        next.block = (int)v;
    } else if (strcmp(key, "repeat") == 0) {
        if (parse_int(value, 1, JOB_REPEAT_MAX, "repetitions of each configuration", &v, err, errlen) != 0)
            goto bad;
        next.repeat = (int)v;
    } else {
        snprintf(err, errlen, "unknown key '%s'", key);
        return -1;
    }
    *job = next;
    return 0;

bad:;
    /* prefix the key so "'0' must be at least 1" says which one */
    char msg[JOB_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", err);
    snprintf(err, errlen, "%s: %s", key, msg);
    return -1;
}

/* Kernel twostage computes singular values only, so vectors thin or full
 * with twostage in the kernel list is refused. key is the key that made the
 * clash (kernel or vectors), which the message names first. Returns 0 or -1
 * with a message. */
static int check_kernel_vectors(const job_t *job, const char *key, char *err, size_t errlen)
{
    int twostage = 0;
    for (int i = 0; i < job->n_kernels; i++)
        twostage |= job->kernels[i] == JOB_KERNEL_TWOSTAGE;
    if (!twostage || job->vectors == JOB_VECTORS_NONE)
        return 0;
    if (strcmp(key, "vectors") == 0)
        snprintf(err, errlen, "vectors: '%s' asks for U and V^T, but kernel twostage computes "
                 "singular values only (set vectors = none, or drop twostage from kernel)",
                 job_vectors_name(job->vectors));
    else
        snprintf(err, errlen, "kernel: twostage computes singular values only, but vectors is "
                 "'%s' (drop twostage from kernel, or set vectors = none)",
                 job_vectors_name(job->vectors));
    return -1;
}

typedef struct {
    job_t *job;
    const char *path;
    char *err;
    size_t errlen;
    int failed;
    unsigned seen;      /* bit i: job_keys[i] already appeared in this file */
} parse_ctx;

/* Index of key in job_keys, or -1. */
static int key_index(const char *key)
{
    for (int i = 0; job_keys[i]; i++)
        if (strcmp(key, job_keys[i]) == 0)
            return i;
    return -1;
}

/* libinih calls this per key; returning 0 makes ini_parse report the line. */
static int on_ini_key(void *user, const char *section, const char *key, const char *value)
{
    parse_ctx *ctx = user;
    if (ctx->failed)
        return 0;
    if (strcmp(section, "job") != 0) {
        if (section[0] == '\0')
            snprintf(ctx->err, ctx->errlen, "key '%s' outside a section (expected [job])", key);
        else
            snprintf(ctx->err, ctx->errlen, "unknown section [%s] (expected [job])", section);
        ctx->failed = 1;
        return 0;
    }
    /* within one file, a repeated or contradicting key is a mistake, not an override */
    int idx = key_index(key);
    if (idx >= 0) {
        unsigned shape = (1u << key_index("size")) | (1u << key_index("rows")) |
                         (1u << key_index("cols"));
        if (ctx->seen & (1u << idx)) {
            snprintf(ctx->err, ctx->errlen, "key '%s' given twice", key);
            ctx->failed = 1;
            return 0;
        }
        if ((shape & (1u << idx)) &&
            ((strcmp(key, "size") == 0) ? (ctx->seen & shape) : (ctx->seen & (1u << key_index("size"))))) {
            snprintf(ctx->err, ctx->errlen, "give either size or rows and cols, not both");
            ctx->failed = 1;
            return 0;
        }
        ctx->seen |= 1u << idx;
    }
    if (job_set(ctx->job, key, value, ctx->err, ctx->errlen) != 0 ||
        ((strcmp(key, "kernel") == 0 || strcmp(key, "vectors") == 0) &&
         check_kernel_vectors(ctx->job, key, ctx->err, ctx->errlen) != 0)) {
        ctx->failed = 1;
        return 0;
    }
    return 1;
}

/* The text libinih reads, from a file or from memory, cut off past
 * JOB_FILE_MAX bytes so that /dev/zero or a huge file cannot keep it reading. */
typedef struct {
    FILE *file;             /* NULL: read text */
    const char *text;
    size_t used;            /* bytes read so far */
    int too_big;
} job_source;

/* The next byte of the source, or EOF. */
static int next_byte(job_source *src)
{
    if (src->file)
        return getc(src->file);
    unsigned char c = (unsigned char)src->text[src->used];
    return c ? c : EOF;
}

/* An fgets for ini_parse_stream: one line of at most num - 1 bytes, or NULL
 * at the end, on a read error, or past JOB_FILE_MAX bytes (too_big set).
 * Counts every byte, NULs too, so that /dev/zero ends as well. */
static char *read_line(char *str, int num, void *stream)
{
    job_source *src = stream;
    int n = 0, c;
    while (!src->too_big && n < num - 1 && (c = next_byte(src)) != EOF) {
        if (++src->used > JOB_FILE_MAX)
            src->too_big = 1;
        str[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0 || src->too_big)
        return NULL;
    str[n] = '\0';
    return str;
}

/* Parses src as a job file called name. Returns 0 or -1 with a message. */
static int parse_source(job_t *job, job_source *src, const char *name, char *err, size_t errlen)
{
    char msg[JOB_MSG_MAX] = "";
    parse_ctx ctx = {.job = job, .path = name, .err = msg, .errlen = sizeof msg};
    job_t before = *job;
    int line = ini_parse_stream(read_line, src, on_ini_key, &ctx);
    if (src->file && ferror(src->file))
        snprintf(err, errlen, "%s: cannot read (is it a directory?)", name);
    else if (src->too_big)
        snprintf(err, errlen, "%s: larger than %d bytes, not a job file", name, JOB_FILE_MAX);
    else if (line < 0)
        snprintf(err, errlen, "%s: cannot read", name);
    else if (line > 0 && ctx.failed)
        snprintf(err, errlen, "%s:%d: %s", name, line, msg);
    else if (line > 0)
        snprintf(err, errlen, "%s:%d: malformed line (expected key = value or [section])", name, line);
    else
        return 0;
    *job = before;
    return -1;
}

int job_parse_file(job_t *job, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    job_source src = {.file = f};
    int rc = parse_source(job, &src, path, err, errlen);
    fclose(f);
    return rc;
}

int job_parse_string(job_t *job, const char *text, const char *name, char *err, size_t errlen)
{
    job_source src = {.text = text};
    return parse_source(job, &src, name, err, errlen);
}

/* With engine lapack, every array LAPACK indexes with its 32-bit int must
 * have at most JOB_LAPACK_ELEMS_MAX elements: A (rows x cols), and U and VT as
 * vectors asks. Workspace beyond that is caught by the memory check's query.
 * Returns 0 or -1 with a message. */
static int check_lapack_arrays(const job_t *job, char *err, size_t errlen)
{
    int lapack = 0;
    for (int i = 0; i < job->n_engines; i++)
        lapack |= job->engines[i] == JOB_ENGINE_LAPACK;
    if (!lapack)
        return 0;
    int64_t m = job->rows, n = job->cols, mn = m < n ? m : n;
    int64_t ucols = job->vectors == JOB_VECTORS_FULL ? m : mn;
    int64_t vtrows = job->vectors == JOB_VECTORS_FULL ? n : mn;
    const struct { const char *what; int64_t r, c; } arr[] = {
        {"the matrix", m, n}, {"U", m, ucols}, {"VT", vtrows, n},
    };
    int n_arr = job->vectors == JOB_VECTORS_NONE ? 1 : 3;
    for (int i = 0; i < n_arr; i++) {
        uint64_t e;
        if (__builtin_mul_overflow((uint64_t)arr[i].r, (uint64_t)arr[i].c, &e) ||
            e > (uint64_t)JOB_LAPACK_ELEMS_MAX) {
            snprintf(err, errlen, "size (rows x cols): %s would be %lld x %lld, more than the %lld "
                     "elements 32-bit LAPACK indexes in one array (engine lapack)",
                     arr[i].what, (long long)arr[i].r, (long long)arr[i].c,
                     (long long)JOB_LAPACK_ELEMS_MAX);
            return -1;
        }
    }
    return 0;
}

uint64_t job_results_bytes(const job_t *job)
{
    uint64_t sets = 2, configs = (uint64_t)(job->n_ranks > 0 ? job->n_ranks : 1), b;
    configs *= (uint64_t)job->n_threads * (uint64_t)job->n_thread_modes *
               (uint64_t)job->n_distribute * (uint64_t)job->n_engines *
               (uint64_t)job->n_kernels;
    sets += configs;
    if (__builtin_mul_overflow((uint64_t)job->count, sets * JOB_RESULT_BYTES, &b))
        return UINT64_MAX;
    return b;
}

int job_check_results_memory(const job_t *job, uint64_t phys_bytes, char *err, size_t errlen)
{
    uint64_t need = job_results_bytes(job);
    if (need <= phys_bytes / 2)
        return 0;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    snprintf(err, errlen, "count: %lld matrices need %.1f GiB of results on rank 0 (%d bytes "
             "per matrix and configuration), beyond half of this node's %.1f GiB of memory",
             (long long)job->count, (double)need / gib, JOB_RESULT_BYTES, (double)phys_bytes / gib);
    return -1;
}

/* input: the shape and count come from the .npy header, and nowhere else. */
static int apply_input(job_t *job, char *err, size_t errlen)
{
    if (job->given & (JOB_GIVEN_SIZE | JOB_GIVEN_ROWS | JOB_GIVEN_COLS | JOB_GIVEN_COUNT)) {
        snprintf(err, errlen, "input: the .npy file gives the shape and count; drop size, rows, "
                              "cols and count");
        return -1;
    }
    npy_header h;
    char msg[JOB_MSG_MAX];
    if (npy_read_header(job->input, &h, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "input: %s", msg);
        return -1;
    }
    job->count = h.ndim == 3 ? h.shape[0] : 1;
    job->rows = h.shape[h.ndim - 2];
    job->cols = h.shape[h.ndim - 1];
    job->input_esize = h.esize;
    job->input_fortran = h.fortran_order;
    job->input_ndim = h.ndim;
    job->input_offset = h.data_offset;
    job->input_mtime = h.mtime;
    if (job->rows > JOB_DIM_MAX || job->cols > JOB_DIM_MAX || job->count > JOB_DIM_MAX) {
        snprintf(err, errlen, "input: %s: shape beyond 2^31-1 in one dimension (LAPACK takes 32-bit "
                              "sizes)", job->input);
        return -1;
    }
    job->given |= JOB_GIVEN_SIZE | JOB_GIVEN_COUNT;
    return 0;
}

int job_validate(job_t *job, char *err, size_t errlen)
{
    if ((job->given & JOB_GIVEN_INPUT) && job->input_esize == 0 && apply_input(job, err, errlen) != 0)
        return -1;
    unsigned g = job->given;
    if (!(g & JOB_GIVEN_SIZE) && (g & (JOB_GIVEN_ROWS | JOB_GIVEN_COLS)) !=
                                     (JOB_GIVEN_ROWS | JOB_GIVEN_COLS)) {
        if (g & (JOB_GIVEN_ROWS | JOB_GIVEN_COLS))
            snprintf(err, errlen, "missing key '%s' (rows and cols go together)",
                     (g & JOB_GIVEN_ROWS) ? "cols" : "rows");
        else
            snprintf(err, errlen, "missing key 'size' (or 'rows' and 'cols')");
        return -1;
    }
    if (!(g & JOB_GIVEN_COUNT)) {
        snprintf(err, errlen, "missing key 'count'");
        return -1;
    }
    /* flags may set vectors and kernel in any order: the clash is judged at the end */
    if (check_kernel_vectors(job, "kernel", err, errlen) != 0 ||
        check_lapack_arrays(job, err, errlen) != 0)
        return -1;
    /* one matrix must fit size_t arithmetic, and the whole set (--save-matrices
     * writes it, .npy counts it) an int64 of bytes */
    uint64_t elems, total;
    if (__builtin_mul_overflow((uint64_t)job->rows, (uint64_t)job->cols, &elems) ||
        elems > SIZE_MAX / sizeof(double) / 4) {
        snprintf(err, errlen, "a %lld x %lld matrix is too large: its bytes overflow",
                 (long long)job->rows, (long long)job->cols);
        return -1;
    }
    if (__builtin_mul_overflow(elems, (uint64_t)job->count, &total) || total > (uint64_t)INT64_MAX / 8) {
        snprintf(err, errlen, "count: %lld matrices of %lld x %lld are too many: count x rows x "
                 "cols x 8 bytes overflow int64 (at most %lld)", (long long)job->count,
                 (long long)job->rows, (long long)job->cols, (long long)INT64_MAX);
        return -1;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0 &&
        job_check_results_memory(job, (uint64_t)pages * (uint64_t)page, err, errlen) != 0)
        return -1;
    if (job->name[0] == '\0')
        strcpy(job->name, "job");
    return 0;
}

size_t job_matrix_bytes(const job_t *job)
{
    return (size_t)job->rows * (size_t)job->cols * sizeof(double);
}
