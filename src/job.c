/* job: the job's keys, defaults, parsing (INI file and flags) and validation. */
#include "job.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const job_keys[] = {
    "name", "size", "rows", "cols", "count", "seed", "vectors", "driver",
    "distribute", "ranks", "threads", "thread_mode", "repeat", "engine", "group", "grid",
    "block", NULL,
};

static const char *const vectors_names[] = {"none", "thin", "full", NULL};
static const char *const driver_names[] = {"gesdd", "gesvd", NULL};
static const char *const distribute_names[] = {"regenerate", "scatter", NULL};
static const char *const mode_names[] = {"blas", "batch", NULL};
static const char *const engine_names[] = {"lapack", "scalapack", NULL};

const char *job_vectors_name(job_vectors v) { return vectors_names[v]; }
const char *job_driver_name(job_driver d) { return driver_names[d]; }
const char *job_distribute_name(job_distribute d) { return distribute_names[d]; }
const char *job_thread_mode_name(job_thread_mode m) { return mode_names[m]; }
const char *job_engine_name(job_engine e) { return engine_names[e]; }

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
        if (end != omp && (*end == '\0' || *end == ',') && t > 0 && t <= 4096)
            job->threads[0] = (int)t;
    }
    job->n_thread_modes = 1;
    job->thread_modes[0] = JOB_MODE_BLAS;
    job->repeat = 1;
    job->n_engines = 1;
    job->engines[0] = JOB_ENGINE_LAPACK;
    job->block = 64;
}

/* Parses a whole decimal integer in [min, max]. Returns 0 or -1 with a message. */
static int parse_int(const char *text, long long min, long long max, long long *out,
                     char *err, size_t errlen)
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
        snprintf(err, errlen, "'%s' is too large (at most %lld)", text, max);
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
                      int cap, int *items, int *n_items, char *err, size_t errlen)
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
        } else if (parse_int(s, min, max, &v, err, errlen) != 0) {
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
        if (parse_int(value, 1, INT_MAX, &v, err, errlen) != 0)
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
        if (parse_int(value, 1, INT_MAX, &v, err, errlen) != 0)
            goto bad;
        next.count = v;
        next.given |= JOB_GIVEN_COUNT;
    } else if (strcmp(key, "seed") == 0) {
        if (parse_int(value, 0, LLONG_MAX, &v, err, errlen) != 0)
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
        if (parse_list(value, distribute_names, 0, 0, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_distribute = n;
        for (int i = 0; i < n; i++)
            next.distribute[i] = (job_distribute)items[i];
    } else if (strcmp(key, "thread_mode") == 0) {
        if (parse_list(value, mode_names, 0, 0, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_thread_modes = n;
        for (int i = 0; i < n; i++)
            next.thread_modes[i] = (job_thread_mode)items[i];
    } else if (strcmp(key, "ranks") == 0) {
        if (parse_list(value, NULL, 1, 1 << 20, JOB_LIST_MAX, items, &n, err, errlen) != 0)
            goto bad;
        next.n_ranks = n;
        memcpy(next.ranks, items, (size_t)n * sizeof items[0]);
    } else if (strcmp(key, "threads") == 0) {
        if (parse_list(value, NULL, 1, 4096, JOB_LIST_MAX, items, &n, err, errlen) != 0)
            goto bad;
        next.n_threads = n;
        memcpy(next.threads, items, (size_t)n * sizeof items[0]);
    } else if (strcmp(key, "engine") == 0) {
        if (parse_list(value, engine_names, 0, 0, 2, items, &n, err, errlen) != 0)
            goto bad;
        next.n_engines = n;
        for (int i = 0; i < n; i++)
            next.engines[i] = (job_engine)items[i];
    } else if (strcmp(key, "group") == 0) {
        if (parse_int(value, 1, 1 << 20, &v, err, errlen) != 0)
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
    } else if (strcmp(key, "block") == 0) {
        if (parse_int(value, 1, 1 << 20, &v, err, errlen) != 0)
            goto bad;
        next.block = (int)v;
    } else if (strcmp(key, "repeat") == 0) {
        if (parse_int(value, 1, 100000, &v, err, errlen) != 0)
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
    if (job_set(ctx->job, key, value, ctx->err, ctx->errlen) != 0) {
        ctx->failed = 1;
        return 0;
    }
    return 1;
}

int job_parse_file(job_t *job, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char msg[JOB_MSG_MAX] = "";
    parse_ctx ctx = {.job = job, .path = path, .err = msg, .errlen = sizeof msg};
    job_t before = *job;
    int line = ini_parse_file(f, on_ini_key, &ctx);
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        *job = before;
        snprintf(err, errlen, "%s: cannot read (is it a directory?)", path);
        return -1;
    }
    if (line != 0) {
        *job = before;
        if (line < 0)
            snprintf(err, errlen, "%s: cannot read", path);
        else if (ctx.failed)
            snprintf(err, errlen, "%s:%d: %s", path, line, msg);
        else
            snprintf(err, errlen, "%s:%d: malformed line (expected key = value or [section])", path, line);
        return -1;
    }
    return 0;
}

int job_validate(job_t *job, char *err, size_t errlen)
{
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
    /* one matrix must fit size_t arithmetic, and the set must fit .npy's int64 */
    uint64_t elems;
    if (__builtin_mul_overflow((uint64_t)job->rows, (uint64_t)job->cols, &elems) ||
        elems > SIZE_MAX / sizeof(double) / 4) {
        snprintf(err, errlen, "a %lld x %lld matrix is too large: its bytes overflow",
                 (long long)job->rows, (long long)job->cols);
        return -1;
    }
    uint64_t total;
    if (__builtin_mul_overflow(elems, (uint64_t)job->count, &total) || total > (uint64_t)INT64_MAX / 8) {
        snprintf(err, errlen, "%lld matrices of %lld x %lld are too many: their bytes overflow",
                 (long long)job->count, (long long)job->rows, (long long)job->cols);
        return -1;
    }
    if (job->name[0] == '\0')
        strcpy(job->name, "job");
    return 0;
}

size_t job_matrix_bytes(const job_t *job)
{
    return (size_t)job->rows * (size_t)job->cols * sizeof(double);
}
