/* job: the job's keys, defaults, parsing (INI file and flags) and validation. */
#include "job.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *const vectors_names[] = {"none", "thin", "full", NULL};
static const char *const driver_names[] = {"gesdd", "gesvd", NULL};
static const char *const distribute_names[] = {"regenerate", "scatter", NULL};
static const char *const mode_names[] = {"blas", "batch", NULL};
static const char *const engine_names[] = {"lapack", "scalapack", NULL};
static const char *const kernel_names[] = {"lapack", "twostage", "jacobi", "auto", NULL};
static const char *const schedule_names[] = {"static", "cost", "dynamic", NULL};
static const char *const tune_names[] = {"off", "on", "force", NULL};
/* dtype_t's order (dtype.h): the stored values index it */
static const char *const dtype_names[] = {"float64", "float32", "complex128", "complex64", NULL};

/* Each key's place in job_keys: job_set's store and the file parser's
 * checks name keys by it, not by comparing strings. */
enum { K_NAME, K_SIZE, K_ROWS, K_COLS, K_COUNT, K_SEED, K_VECTORS, K_DRIVER, K_DTYPE, K_DISTRIBUTE,
       K_RANKS, K_THREADS, K_THREAD_MODE, K_REPEAT, K_ENGINE, K_KERNEL, K_GROUP, K_GRID,
       K_BLOCK, K_INPUT, K_SHAPES, K_SIZE_DIST, K_SCHEDULE, K_TUNE, K_TUNE_BUDGET, K_N };

#define DIM_WHY "LAPACK takes sizes as 32-bit int"
#define SHAPE_DEF "required together, unless size, shapes, size_dist or input"

const job_key job_keys[K_N + 1] = {
    [K_NAME] = {"name", JOB_KEY_TEXT, 1, JOB_NAME_MAX - 1, "must have", NULL, "TEXT",
                "the job file's name without its extension, else job", "label in reports"},
    [K_SIZE] = {"size", JOB_KEY_INT, 1, JOB_DIM_MAX, DIM_WHY, NULL, "N",
                "required, unless rows and cols, shapes, size_dist or input",
                "square matrices of N x N"},
    [K_ROWS] = {"rows", JOB_KEY_INT, 1, JOB_DIM_MAX, DIM_WHY, NULL, "M", SHAPE_DEF,
                "rows of each matrix, with cols instead of size"},
    [K_COLS] = {"cols", JOB_KEY_INT, 1, JOB_DIM_MAX, DIM_WHY, NULL, "N", SHAPE_DEF,
                "columns of each matrix, with rows"},
    [K_COUNT] = {"count", JOB_KEY_INT, 1, JOB_DIM_MAX, "matrix indices are 32-bit int", NULL, "K",
                 "required, unless shapes or input", "number of matrices"},
    [K_SEED] = {"seed", JOB_KEY_INT, 0, LLONG_MAX, NULL, NULL, "S", "0",
                "the matrix generator's seed"},
    [K_VECTORS] = {"vectors", JOB_KEY_ENUM, 0, 0, NULL, vectors_names, NULL, "none",
                   "singular values only, or U and V^T too"},
    [K_DRIVER] = {"driver", JOB_KEY_ENUM, 0, 0, NULL, driver_names, NULL, "gesdd",
                  "LAPACK's SVD driver"},
    [K_DTYPE] = {"dtype", JOB_KEY_ENUM_LIST, 0, 0, NULL, dtype_names, NULL,
                 "float64, or the input's", "the precisions to compute in"},
    [K_DISTRIBUTE] = {"distribute", JOB_KEY_ENUM_LIST, 0, 0, NULL, distribute_names, NULL,
                      "regenerate", "each rank makes its matrices, or rank 0 sends them"},
    [K_RANKS] = {"ranks", JOB_KEY_INT_LIST, 1, JOB_RANKS_MAX, "ranks in one configuration", NULL,
                 "N[,N...]", "every launched rank", "the rank counts to sweep"},
    [K_THREADS] = {"threads", JOB_KEY_INT_LIST, 1, JOB_THREADS_MAX, "OpenMP threads per rank",
                   NULL, "T[,T...]", "OMP_NUM_THREADS, else 1",
                   "the OpenMP threads per rank to sweep"},
    [K_THREAD_MODE] = {"thread_mode", JOB_KEY_ENUM_LIST, 0, 0, NULL, mode_names, NULL, "blas",
                       "threads in each SVD, or over the matrices"},
    [K_REPEAT] = {"repeat", JOB_KEY_INT, 1, JOB_REPEAT_MAX, "repetitions of each configuration",
                  NULL, "R", "1", "timed repetitions of each configuration"},
    [K_ENGINE] = {"engine", JOB_KEY_ENUM_LIST, 0, 0, NULL, engine_names, NULL, "lapack",
                  "one rank per matrix, or ranks sharing each matrix"},
    [K_KERNEL] = {"kernel", JOB_KEY_ENUM_LIST, 0, 0, NULL, kernel_names, NULL, "auto",
                  "LAPACK, twostage, Jacobi packs, or auto by shape"},
    [K_GROUP] = {"group", JOB_KEY_INT, 1, JOB_RANKS_MAX, "ranks per matrix", NULL, "G",
                 "all ranks of the configuration", "engine scalapack: ranks that share one matrix"},
    [K_GRID] = {"grid", JOB_KEY_GRID, 1, 1 << 20, NULL, NULL, "PxQ", "auto",
                "engine scalapack: each group's process grid"},
    [K_BLOCK] = {"block", JOB_KEY_INT, 1, 1 << 20, NULL, NULL, "B", "64",
                 "engine scalapack: the block-cyclic block size"},
    [K_INPUT] = {"input", JOB_KEY_TEXT, 1, JOB_PATH_MAX - 1, "must be a path of", NULL, "F.npy",
                 "none (generated matrices)", "the user's .npy matrices, which give the shape"},
    [K_SHAPES] = {"shapes", JOB_KEY_SHAPES, 1, JOB_DIM_MAX, NULL, NULL, "RxC:N[,RxC:N...]",
                  "none (one shape)", "mixed shapes: N matrices of R x C, class by class"},
    [K_SIZE_DIST] = {"size_dist", JOB_KEY_DIST, 1, JOB_DIM_MAX, NULL, NULL,
                     "lognormal:MED:SIG:MIN:MAX", "none (one shape)",
                     "mixed square sizes drawn from the seed, with count"},
    [K_SCHEDULE] = {"schedule", JOB_KEY_ENUM_LIST, 0, 0, NULL, schedule_names, NULL,
                    "dynamic, and static with scatter",
                    "equal counts, split by a cost model, or a counter"},
    [K_TUNE] = {"tune", JOB_KEY_ENUM, 0, 0, NULL, tune_names, NULL, "off",
                "race the lists' layouts on a sample, run the winner"},
    [K_TUNE_BUDGET] = {"tune_budget", JOB_KEY_INT, 1, 50, "percent of the predicted run", NULL,
                       "PCT", "5", "tune: the race's share of the predicted full run"},
    [K_N] = {NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},
};

void job_key_arg(const job_key *key, char *buf, size_t len)
{
    if (len == 0)
        return;
    buf[0] = '\0';
    if (key->arg) {
        snprintf(buf, len, "%s", key->arg);
        return;
    }
    size_t used = 0;
    for (int i = 0; key->names[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 i == 0 ? "" : key->type == JOB_KEY_ENUM ? "|" : ",",
                                 key->names[i]);
}

const char *job_vectors_name(job_vectors v) { return vectors_names[v]; }
const char *job_driver_name(job_driver d) { return driver_names[d]; }
const char *job_distribute_name(job_distribute d) { return distribute_names[d]; }
const char *job_thread_mode_name(job_thread_mode m) { return mode_names[m]; }
const char *job_engine_name(job_engine e) { return engine_names[e]; }
const char *job_kernel_name(job_kernel k) { return kernel_names[k]; }
const char *job_schedule_name(job_schedule s) { return schedule_names[s]; }
const char *job_tune_name(job_tune t) { return tune_names[t]; }

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
    job->n_thread_modes = 1;
    job->thread_modes[0] = JOB_MODE_BLAS;
    job->repeat = 1;
    job->n_engines = 1;
    job->engines[0] = JOB_ENGINE_LAPACK;
    job->n_kernels = 1;
    job->kernels[0] = JOB_KERNEL_AUTO;     /* bench/auto.sh: within 5% of the best fixed kernel at every size */
    job->block = 64;
    job->n_schedules = 1;
    job->schedules[0] = JOB_SCHED_DYNAMIC;   /* the bench's best, uniform and mixed */
    job->tune_budget_pct = 5;    /* bench/tune.sh: slow candidates make it about 8% */
}

void job_default_threads(job_t *job, const char *omp_num_threads)
{
    job->n_threads = 1;
    job->threads[0] = 1;
    if (!omp_num_threads)
        return;
    char *end;
    long t = strtol(omp_num_threads, &end, 10);
    /* OMP_NUM_THREADS may be a nested list "4,2"; its first level counts */
    if (end != omp_num_threads && (*end == '\0' || *end == ',') && t > 0 && t <= JOB_THREADS_MAX)
        job->threads[0] = (int)t;
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

/* Index of key in job_keys, or -1. */
static int key_index(const char *key)
{
    for (int i = 0; job_keys[i].name; i++)
        if (strcmp(key, job_keys[i].name) == 0)
            return i;
    return -1;
}

/* grid's value: auto (0 x 0) or PxQ with P and Q in [1, max]. Returns 0 or -1 with a message. */
static int parse_grid(const char *value, long long max, int *pq, char *err, size_t errlen)
{
    int p, q, used = 0;
    if (strcmp(value, "auto") == 0) {
        pq[0] = pq[1] = 0;
    } else if (sscanf(value, "%d%*[xX]%d%n", &p, &q, &used) == 2 && value[used] == '\0' &&
               p >= 1 && q >= 1 && p <= max && q <= max && isdigit((unsigned char)value[0])) {
        pq[0] = p;
        pq[1] = q;
    } else {
        snprintf(err, errlen, "'%s' is not auto or PxQ with P, Q >= 1 (e.g. 2x1)", value);
        return -1;
    }
    return 0;
}

/* Stores key id's parsed value in job: text, the number v, or n items. */
static void store(job_t *job, int id, const char *text, long long v, const int *items, int n)
{
    switch (id) {
    case K_NAME:
        strcpy(job->name, text);
        job->given |= JOB_GIVEN_NAME;
        break;
    case K_SIZE:
        job->rows = job->cols = v;
        job->given = (job->given & ~(JOB_GIVEN_ROWS | JOB_GIVEN_COLS)) | JOB_GIVEN_SIZE;
        break;
    case K_ROWS:
    case K_COLS:
        /* the later source wins: a flag --rows on a file with size keeps its cols */
        if (job->given & JOB_GIVEN_SIZE)
            job->given = (job->given & ~JOB_GIVEN_SIZE) | JOB_GIVEN_ROWS | JOB_GIVEN_COLS;
        *(id == K_ROWS ? &job->rows : &job->cols) = v;
        job->given |= id == K_ROWS ? JOB_GIVEN_ROWS : JOB_GIVEN_COLS;
        break;
    case K_COUNT:
        job->count = v;
        job->given |= JOB_GIVEN_COUNT;
        break;
    case K_SEED: job->seed = (uint64_t)v; break;
    case K_VECTORS: job->vectors = (job_vectors)v; break;
    case K_DRIVER: job->driver = (job_driver)v; break;
    case K_DISTRIBUTE:
        job->n_distribute = n;
        for (int i = 0; i < n; i++)
            job->distribute[i] = (job_distribute)items[i];
        break;
    case K_THREAD_MODE:
        job->n_thread_modes = n;
        for (int i = 0; i < n; i++)
            job->thread_modes[i] = (job_thread_mode)items[i];
        break;
    case K_ENGINE:
        job->n_engines = n;
        for (int i = 0; i < n; i++)
            job->engines[i] = (job_engine)items[i];
        break;
    case K_DTYPE:
        job->n_dtypes = n;
        for (int i = 0; i < n; i++)
            job->dtypes[i] = (dtype_t)items[i];
        job->given |= JOB_GIVEN_DTYPE;
        break;
    case K_KERNEL:
        job->n_kernels = n;
        for (int i = 0; i < n; i++)
            job->kernels[i] = (job_kernel)items[i];
        break;
    case K_RANKS:
        job->n_ranks = n;
        memcpy(job->ranks, items, (size_t)n * sizeof items[0]);
        break;
    case K_THREADS:
        job->n_threads = n;
        memcpy(job->threads, items, (size_t)n * sizeof items[0]);
        break;
    case K_REPEAT: job->repeat = (int)v; break;
    case K_GROUP: job->group = (int)v; break;
    case K_GRID:
        job->grid_p = items[0];
        job->grid_q = items[1];
        break;
    case K_BLOCK: job->block = (int)v; break;
    case K_INPUT:
        strcpy(job->input, text);
        job->given |= JOB_GIVEN_INPUT;
        break;
    case K_SCHEDULE:
        job->given |= JOB_GIVEN_SCHEDULE;
        job->n_schedules = n;
        for (int i = 0; i < n; i++)
            job->schedules[i] = (job_schedule)items[i];
        break;
    case K_TUNE: job->tune = (job_tune)v; break;
    case K_TUNE_BUDGET: job->tune_budget_pct = (int)v; break;
    }
}

int job_set(job_t *job, const char *key, const char *value, char *err, size_t errlen)
{
    int id = key_index(key);
    if (id < 0) {
        snprintf(err, errlen, "unknown key '%s'", key);
        return -1;
    }
    const job_key *k = &job_keys[id];
    if (k->type == JOB_KEY_SHAPES || k->type == JOB_KEY_DIST) {
        matset_spec spec = job->set;
        char msg[JOB_MSG_MAX];
        int rc = k->type == JOB_KEY_SHAPES
                     ? matset_parse_shapes(&spec, value, k->max, msg, sizeof msg)
                     : matset_parse_dist(&spec, value, k->max, msg, sizeof msg);
        if (rc != 0) {
            snprintf(err, errlen, "%s: %s", key, msg);
            return -1;
        }
        job->set = spec;
        job->given |= k->type == JOB_KEY_SHAPES ? JOB_GIVEN_SHAPES : JOB_GIVEN_DIST;
        return 0;
    }
    long long v = 0;
    int items[JOB_LIST_MAX], n = 0, rc = 0, n_names = 0;
    while (k->names && k->names[n_names])
        n_names++;
    switch (k->type) {
    case JOB_KEY_TEXT:
        if (value[0] == '\0' || strlen(value) > (size_t)k->max) {
            snprintf(err, errlen, "%s %s 1 to %lld characters", k->name, k->why, k->max);
            return -1;
        }
        break;
    case JOB_KEY_INT:
        rc = parse_int(value, k->min, k->max, k->why, &v, err, errlen);
        break;
    case JOB_KEY_ENUM:
        v = parse_enum(value, k->names, err, errlen);
        rc = v < 0 ? -1 : 0;
        break;
    case JOB_KEY_INT_LIST:
        rc = parse_list(value, NULL, k->min, k->max, k->why, JOB_LIST_MAX, items, &n, err, errlen);
        break;
    case JOB_KEY_ENUM_LIST:
        rc = parse_list(value, k->names, 0, 0, NULL, n_names, items, &n, err, errlen);
        break;
    case JOB_KEY_GRID:
        rc = parse_grid(value, k->max, items, err, errlen);
        break;
    case JOB_KEY_SHAPES:
    case JOB_KEY_DIST:
        break;      /* parsed above */
    }
    if (rc != 0) {
        /* prefix the key so "'0' must be at least 1" says which one */
        char msg[JOB_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err);
        snprintf(err, errlen, "%s: %s", key, msg);
        return -1;
    }
    store(job, id, value, v, items, n);   /* after every check: the job is unchanged on error */
    return 0;
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
_Static_assert(K_N <= 32, "parse_ctx.seen has a bit per key");

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
        const unsigned size = 1u << K_SIZE, shape = size | 1u << K_ROWS | 1u << K_COLS;
        if (ctx->seen & (1u << idx)) {
            snprintf(ctx->err, ctx->errlen, "key '%s' given twice", key);
            ctx->failed = 1;
            return 0;
        }
        if ((shape & (1u << idx)) && (ctx->seen & (idx == K_SIZE ? shape : size))) {
            snprintf(ctx->err, ctx->errlen, "give either size or rows and cols, not both");
            ctx->failed = 1;
            return 0;
        }
        ctx->seen |= 1u << idx;
    }
    if (job_set(ctx->job, key, value, ctx->err, ctx->errlen) != 0 ||
        ((idx == K_KERNEL || idx == K_VECTORS) &&
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
void job_vector_dims(int64_t m, int64_t n, job_vectors vectors, int64_t *ucols, int64_t *vtrows)
{
    int64_t mn = m < n ? m : n;
    *ucols = *vtrows = 0;
    if (vectors == JOB_VECTORS_THIN) {
        *ucols = mn;
        *vtrows = mn;
    } else if (vectors == JOB_VECTORS_FULL) {
        *ucols = m;
        *vtrows = n;
    }
}

int job_check_lapack_shape(int64_t m, int64_t n, job_vectors vectors, char *err, size_t errlen)
{
    int64_t ucols, vtrows;
    job_vector_dims(m, n, vectors, &ucols, &vtrows);
    const struct { const char *what; int64_t r, c; } arr[] = {
        {"the matrix", m, n}, {"U", m, ucols}, {"VT", vtrows, n},
    };
    int n_arr = vectors == JOB_VECTORS_NONE ? 1 : 3;
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

static int check_lapack_arrays(const job_t *job, char *err, size_t errlen)
{
    int lapack = 0;
    for (int i = 0; i < job->n_engines; i++)
        lapack |= job->engines[i] == JOB_ENGINE_LAPACK;
    return lapack ? job_check_lapack_shape(job->rows, job->cols, job->vectors, err, errlen) : 0;
}

uint64_t job_results_bytes(const job_t *job)
{
    uint64_t sets = 2, configs = (uint64_t)(job->n_ranks > 0 ? job->n_ranks : 1), b;
    configs *= (uint64_t)job->n_threads * (uint64_t)job->n_thread_modes *
               (uint64_t)job->n_distribute * (uint64_t)job->n_engines *
               (uint64_t)job->n_kernels * (uint64_t)(job->n_dtypes > 0 ? job->n_dtypes : 1);
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

int job_check_input_keys(const job_t *job, char *err, size_t errlen)
{
    if (!(job->given & (JOB_GIVEN_SIZE | JOB_GIVEN_ROWS | JOB_GIVEN_COLS | JOB_GIVEN_COUNT |
                        JOB_GIVEN_SHAPES | JOB_GIVEN_DIST)))
        return 0;
    snprintf(err, errlen, "input: the .npy file gives the shape and count; drop size, rows, "
                          "cols and count%s", job->given & (JOB_GIVEN_SHAPES | JOB_GIVEN_DIST)
                                                   ? " (and shapes, size_dist)" : "");
    return -1;
}

int job_set_input_files(job_t *job, int64_t count, uint64_t identity, dtype_t dtype, char *err,
                        size_t errlen)
{
    if (job_check_input_keys(job, err, errlen) != 0)
        return -1;
    if (count > JOB_DIM_MAX) {
        snprintf(err, errlen, "input: %s: %lld matrices, more than %lld", job->input,
                 (long long)count, (long long)JOB_DIM_MAX);
        return -1;
    }
    job->count = count;
    job->rows = job->cols = 0;
    job->input_files = 1;
    job->input_identity = identity;
    job->input_dtype = dtype;   /* each file has its own; this holds all without loss */
    job->input_esize = (int)dtype_size(dtype);  /* and this says the input was read */
    job->given |= JOB_GIVEN_COUNT;
    return 0;
}

int job_mixed(const job_t *job)
{
    return job->set.n_classes > 0 || job->set.dist || job->input_files;
}

/* shapes or size_dist: the keys they exclude and need, the count they give,
 * the engines they run on, and LAPACK's 32-bit limits for the largest
 * matrix. Returns 0 or -1 with a message. */
static int check_mixed(job_t *job, char *err, size_t errlen)
{
    unsigned g = job->given;
    if ((g & JOB_GIVEN_SHAPES) && (g & JOB_GIVEN_DIST)) {
        snprintf(err, errlen, "give either shapes or size_dist, not both");
        return -1;
    }
    if ((g & JOB_GIVEN_SHAPES) &&
        (g & (JOB_GIVEN_SIZE | JOB_GIVEN_ROWS | JOB_GIVEN_COLS | JOB_GIVEN_COUNT))) {
        snprintf(err, errlen, "shapes: each class gives its shape and count; drop size, rows, "
                              "cols and count");
        return -1;
    }
    if ((g & JOB_GIVEN_DIST) && (g & (JOB_GIVEN_SIZE | JOB_GIVEN_ROWS | JOB_GIVEN_COLS))) {
        snprintf(err, errlen, "size_dist: the distribution gives the sizes; drop size, rows and cols");
        return -1;
    }
    if ((g & JOB_GIVEN_DIST) && !(g & JOB_GIVEN_COUNT)) {
        snprintf(err, errlen, "size_dist: missing key 'count' (how many matrices to draw)");
        return -1;
    }
    for (int i = 0; i < job->n_engines; i++)
        if (job->engines[i] == JOB_ENGINE_SCALAPACK) {
            snprintf(err, errlen, "engine: scalapack shares one matrix among ranks and takes one "
                     "shape; mixed shapes (shapes, size_dist, a multi-file input) run with engine "
                     "lapack");
            return -1;
        }
    if (job->input_files)
        return 0;   /* the front end checked each file's shape */
    /* every class within LAPACK's 32-bit arrays for the vectors (the widest
     * class may need the largest U), and the set's bytes within int64 */
    int64_t count = 0;
    uint64_t total = 0;
    int n = job->set.dist ? 1 : job->set.n_classes;
    for (int i = 0; i < n; i++) {
        int64_t rows = job->set.dist ? job->set.dist_max : job->set.classes[i].rows;
        int64_t cols = job->set.dist ? job->set.dist_max : job->set.classes[i].cols;
        int64_t k = job->set.dist ? job->count : job->set.classes[i].count;
        if (job_check_lapack_shape(rows, cols, job->vectors, err, errlen) != 0)
            return -1;
        uint64_t elems = (uint64_t)rows * (uint64_t)cols, bytes;
        if (elems > SIZE_MAX / sizeof(double) / 4 ||
            __builtin_mul_overflow(elems * 8, (uint64_t)k, &bytes) ||
            __builtin_add_overflow(total, bytes, &total) || total > (uint64_t)INT64_MAX) {
            snprintf(err, errlen, "%lld matrices of up to %lld x %lld are too many: their bytes "
                     "overflow int64", (long long)(job->set.dist ? job->count : count + k),
                     (long long)rows, (long long)cols);
            return -1;
        }
        count += k;
    }
    if (g & JOB_GIVEN_SHAPES)
        job->count = count;
    job->rows = job->cols = 0;
    return 0;
}

int job_set_input_header(job_t *job, const job_input_header *h, char *err, size_t errlen)
{
    if (job_check_input_keys(job, err, errlen) != 0)
        return -1;
    int64_t count = h->ndim == 3 ? h->shape[0] : 1;
    int64_t rows = h->shape[h->ndim - 2], cols = h->shape[h->ndim - 1];
    if (rows > JOB_DIM_MAX || cols > JOB_DIM_MAX || count > JOB_DIM_MAX) {
        snprintf(err, errlen, "input: %s: shape beyond 2^31-1 in one dimension (LAPACK takes 32-bit "
                              "sizes)", job->input);
        return -1;
    }
    job->count = count;
    job->rows = rows;
    job->cols = cols;
    job->input_dtype = h->dtype;
    job->input_esize = (int)dtype_size(h->dtype);
    job->input_fortran = h->fortran;
    job->input_ndim = h->ndim;
    job->input_offset = h->offset;
    job->input_mtime = h->mtime;
    job->given |= JOB_GIVEN_SIZE | JOB_GIVEN_COUNT;
    return 0;
}

/* The dtype list: its default (float64, or the input's dtype), no
 * conversion that drops the imaginary parts, and no float64-only kernel
 * asked for by name beside another precision. Returns 0 or -1 with a
 * message. */
static int resolve_dtypes(job_t *job, char *err, size_t errlen)
{
    int input = (job->given & JOB_GIVEN_INPUT) != 0;
    if (job->n_dtypes == 0) {
        job->n_dtypes = 1;
        job->dtypes[0] = input ? job->input_dtype : DTYPE_F64;
    }
    for (int i = 0; i < job->n_dtypes; i++) {
        dtype_t t = job->dtypes[i];
        if (input && !dtype_convertible(job->input_dtype, t)) {
            snprintf(err, errlen, "dtype: %s holds %s matrices; %s would drop their imaginary "
                     "parts (give dtype = complex128 or complex64)", job->input,
                     dtype_name(job->input_dtype), dtype_name(t));
            return -1;
        }
        for (int k = 0; k < job->n_kernels && t != DTYPE_F64; k++)
            if (job->kernels[k] == JOB_KERNEL_TWOSTAGE || job->kernels[k] == JOB_KERNEL_JACOBI) {
                snprintf(err, errlen, "kernel: %s computes float64 only, but dtype %s is asked%s "
                         "(give kernel = lapack or auto, or dtype = float64)",
                         job_kernel_name(job->kernels[k]), dtype_name(t),
                         input && !(job->given & JOB_GIVEN_DTYPE) ? " (the input's dtype)" : "");
                return -1;
            }
    }
    return 0;
}

int job_validate(job_t *job, char *err, size_t errlen)
{
    if ((job->given & JOB_GIVEN_INPUT) && job->input_esize == 0) {
        if (job_check_input_keys(job, err, errlen) == 0)
            snprintf(err, errlen, "input: %s: its header was not read (job_set_input_header)",
                     job->input);
        return -1;
    }
    if (job->tune != JOB_TUNE_OFF && job->repeat != 1) {
        snprintf(err, errlen, "tune: a tuned run computes each matrix once; repeat = %d is for "
                 "sweeps (give repeat = 1)", job->repeat);
        return -1;
    }
    if (resolve_dtypes(job, err, errlen) != 0)
        return -1;
    if (job->tune != JOB_TUNE_OFF && job->n_dtypes > 1) {
        /* the race's vote needs candidates computing the same numbers */
        snprintf(err, errlen, "tune: the candidates must compute the same results, and %d dtypes "
                 "do not; tune one dtype at a time (give one value of dtype)", job->n_dtypes);
        return -1;
    }
    unsigned g = job->given;
    if (job_mixed(job)) {
        if (check_kernel_vectors(job, "kernel", err, errlen) != 0 || check_mixed(job, err, errlen) != 0)
            return -1;
        if (job->name[0] == '\0')
            strcpy(job->name, "job");
        return 0;
    }
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
    if (__builtin_mul_overflow(elems, (uint64_t)job->count, &total) || total > (uint64_t)INT64_MAX / 16) {
        snprintf(err, errlen, "count: %lld matrices of %lld x %lld are too many: count x rows x "
                 "cols x 16 bytes overflow int64 (at most %lld)", (long long)job->count,
                 (long long)job->rows, (long long)job->cols, (long long)INT64_MAX);
        return -1;
    }
    if (job->name[0] == '\0')
        strcpy(job->name, "job");
    return 0;
}

size_t job_matrix_bytes(const job_t *job)
{
    if (job_mixed(job))
        return 0;
    return (size_t)job->rows * (size_t)job->cols * sizeof(double);
}

size_t job_matrix_bytes_as(const job_t *job, dtype_t dtype)
{
    return job_matrix_bytes(job) / sizeof(double) * dtype_size(dtype);
}
