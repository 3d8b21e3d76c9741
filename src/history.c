/* history: svdrun's JSON Lines records read back from files, each line validated (svdreport). */
#include "history.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "fault.h"
#include "jfield.h"
#include "record.h"
#include "tunerec.h"

/* A per-rank array (rank_busy_s, rank_loop_s) into out[n]: n non-negative
 * numbers. Returns 0, or -1 with the field named in err. */
static int get_ranks(json_t *obj, const char *key, int n, double *out, char *err, size_t errlen)
{
    json_t *a = json_object_get(obj, key), *v;
    size_t i;
    int ok = json_is_array(a) && json_array_size(a) == (size_t)n;
    json_array_foreach(ok ? a : NULL, i, v) {
        ok &= json_is_number(v) && isfinite(json_number_value(v)) && json_number_value(v) >= 0;
        if (ok)
            out[i] = json_number_value(v);
    }
    if (!ok)
        snprintf(err, errlen, "field '%s' must be an array of %d non-negative numbers (one per "
                 "rank, as '" RECORD_F_BUSY_S "')", key, n);
    return ok ? 0 : -1;
}

/* The fields svdrun writes since the schedules (docs/json-records.md), all
 * optional: schedule (static when absent or null), set (NULL when absent or
 * null), and the balance figures when makespan_s is a number. Returns 0, -1
 * with the bad field named in err, or ENOMEM. */
static int schedule_fields(json_t *obj, history_record *rec, char *err, size_t errlen)
{
    json_t *sched = json_object_get(obj, RECORD_F_SCHEDULE);
    json_t *set = json_object_get(obj, RECORD_F_SET);
    snprintf(rec->schedule, sizeof rec->schedule, "static");
    if (sched && !json_is_null(sched) &&
        jfield_str(obj, RECORD_F_SCHEDULE, NULL, rec->schedule, sizeof rec->schedule, err, errlen))
        return -1;
    if (set && !json_is_null(set)) {
        if (!json_is_string(set) || json_string_length(set) == 0) {
            snprintf(err, errlen, "field '" RECORD_F_SET "' must be null or a non-empty string");
            return -1;
        }
        if (!(rec->set = strdup(json_string_value(set)))) {
            snprintf(err, errlen, "out of memory");
            return ENOMEM;
        }
    }
    rec->makespan_over_lb = rec->cpu_max_over_mean = NAN;
    json_t *makespan = json_object_get(obj, RECORD_F_MAKESPAN_S);
    if (!makespan || json_is_null(makespan))
        return 0;
    rec->balance = 1;
    json_t *bound = json_object_get(obj, RECORD_F_LB_BOUND);
    json_t *busy = json_object_get(obj, RECORD_F_BUSY_S);
    if (jfield_num(obj, RECORD_F_MAKESPAN_S, 1, &rec->makespan_s, err, errlen) ||
        jfield_num(obj, RECORD_F_LB_S, 1, &rec->lb_s, err, errlen) ||
        jfield_num(obj, RECORD_F_MAKESPAN_OVER_LB, 0, &rec->makespan_over_lb, err, errlen) ||
        jfield_num(obj, RECORD_F_CPU_MAX_OVER_MEAN, 0, &rec->cpu_max_over_mean, err, errlen) ||
        (bound && jfield_str(obj, RECORD_F_LB_BOUND, NULL, rec->lb_bound, sizeof rec->lb_bound,
                             err, errlen)) ||
        (json_object_get(obj, RECORD_F_WORKERS) &&
         jfield_int(obj, RECORD_F_WORKERS, 0, &rec->workers, err, errlen)))
        return -1;
    /* the per-rank times: one per rank, or none (an empty array, absent) */
    if (!busy || json_is_null(busy) || (json_is_array(busy) && json_array_size(busy) == 0))
        return 0;
    if (!json_is_array(busy) || json_array_size(busy) != (size_t)rec->ranks)
        return get_ranks(obj, RECORD_F_BUSY_S, rec->ranks, NULL, err, errlen);
    rec->rank_busy_s = malloc(2 * (size_t)rec->ranks * sizeof *rec->rank_busy_s);
    if (!rec->rank_busy_s) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    rec->rank_loop_s = rec->rank_busy_s + rec->ranks;
    rec->n_rank_s = rec->ranks;
    if (get_ranks(obj, RECORD_F_BUSY_S, rec->ranks, rec->rank_busy_s, err, errlen) ||
        get_ranks(obj, RECORD_F_LOOP_S, rec->ranks, rec->rank_loop_s, err, errlen))
        return -1;
    return 0;
}

/* obj's key naming a precision (dtype.h's names) into *out; an absent key
 * gives fallback's, or is an error when fallback is NULL. Returns 0, or -1
 * with the field and the names it may take in err. */
static int dtype_field(json_t *obj, const char *key, const char *fallback, dtype_t *out,
                       char *err, size_t errlen)
{
    char name[16], names[64];
    int text = jfield_str(obj, key, fallback, name, sizeof name, err, errlen) == 0;
    if (text && dtype_from_name(name, out) == 0)
        return 0;
    dtype_name_list(names, sizeof names);
    snprintf(err, errlen, "field '%s' must be %s%s%s%s", key, names, text ? ", not '" : "",
             text ? name : "", text ? "'" : "");
    return -1;
}

/* The precision fields: dtype (float64 when absent: a record older than
 * it), and sigma_err, sigma_err_ref and sigma_err_over_bound, which svdrun
 * writes together for a single-precision configuration measured against
 * double precision (all three absent or null: not measured). Returns 0, or
 * -1 with the bad field named in err. */
static int precision_fields(json_t *obj, history_record *rec, char *err, size_t errlen)
{
    static const char *const keys[3] = {RECORD_F_SIGMA_ERR, RECORD_F_SIGMA_ERR_REF,
                                        RECORD_F_SIGMA_ERR_BOUND};
    rec->sigma_err = rec->sigma_err_over_bound = NAN;
    if (dtype_field(obj, RECORD_F_DTYPE, RECORD_FLOAT64, &rec->dtype, err, errlen))
        return -1;
    int given = 0;
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(obj, keys[i]);
        given += v && !json_is_null(v);
    }
    if (given == 0)
        return 0;
    if (given < 3) {
        snprintf(err, errlen, "fields '%s', '%s' and '%s' go together", keys[0], keys[1],
                 keys[2]);
        return -1;
    }
    if (jfield_num(obj, RECORD_F_SIGMA_ERR, 1, &rec->sigma_err, err, errlen) ||
        jfield_num(obj, RECORD_F_SIGMA_ERR_BOUND, 1, &rec->sigma_err_over_bound, err, errlen) ||
        dtype_field(obj, RECORD_F_SIGMA_ERR_REF, NULL, &rec->sigma_err_ref, err, errlen))
        return -1;
    return 0;
}

#define HOSTS_ARRAY "field '" RECORD_F_HOSTS "' must be a non-empty array of strings"

/* rec->kernels from the record's kernel_matrices (see history.h), kernel being
 * the configuration's. Returns 0, or -1 with a message when the field is
 * there but not an object of non-negative integers. */
static int kernel_counts(json_t *obj, const char *kernel, char *out, size_t len, char *err,
                         size_t errlen)
{
    out[0] = '\0';
    json_t *km = json_object_get(obj, RECORD_F_KERNEL_MATRICES);
    if (!km || json_is_null(km))
        return 0;
    const char *names[3] = {"lapack", "twostage", "jacobi"};
    json_int_t n[3];
    int used = 0, other = 0;
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(km, names[i]);
        if (!json_is_object(km) || !json_is_integer(v) || json_integer_value(v) < 0) {
            snprintf(err, errlen, "field '%s' must hold non-negative integers lapack, twostage "
                     "and jacobi", RECORD_F_KERNEL_MATRICES);
            return -1;
        }
        n[i] = json_integer_value(v);
        used += n[i] > 0;
        other |= n[i] > 0 && strcmp(names[i], kernel) != 0;
    }
    if (strcmp(kernel, "auto") != 0 && !other)
        return 0;       /* the engine label says it all */
    size_t at = 0;
    for (int shown = 0; shown < used; shown++) {
        int best = -1;
        for (int i = 0; i < 3; i++)
            if (n[i] > 0 && (best < 0 || n[i] > n[best]))
                best = i;
        at += (size_t)snprintf(out + at, at < len ? len - at : 0, "%s%s %lld", shown ? ", " : "",
                               names[best], (long long)n[best]);
        n[best] = 0;
    }
    return 0;
}

int history_parse_line(const char *text, history_record *rec, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *obj = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj) {
        snprintf(err, errlen, "invalid JSON: %s", jerr.text);
        return -1;
    }
    int rc = -1;
    int64_t schema, v;
    memset(rec, 0, sizeof *rec);
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "not a JSON object");
        goto out;
    }
    if (jfield_int(obj, RECORD_F_SCHEMA, 0, &schema, err, errlen))
        goto out;
    if (schema != RECORD_SCHEMA) {
        snprintf(err, errlen, "unknown schema version %lld (this svdreport reads %d)",
                 (long long)schema, RECORD_SCHEMA);
        goto out;
    }
    /* a mixed set has no one shape: its rows and cols are 0 */
    json_t *mixed = json_object_get(obj, RECORD_F_MIXED);
    if (mixed && !json_is_boolean(mixed) && !json_is_null(mixed)) {
        snprintf(err, errlen, "field '" RECORD_F_MIXED "' must be true, false or null");
        goto out;
    }
    int64_t least = json_is_true(mixed) ? 0 : 1;
    if (jfield_str(obj, RECORD_F_NAME, NULL, rec->name, sizeof rec->name, err, errlen) ||
        jfield_int(obj, RECORD_F_ROWS, least, &rec->rows, err, errlen) ||
        jfield_int(obj, RECORD_F_COLS, least, &rec->cols, err, errlen) ||
        jfield_int(obj, RECORD_F_COUNT, 1, &rec->count, err, errlen) ||
        jfield_int(obj, RECORD_F_SEED, 0, &v, err, errlen))
        goto out;
    rec->seed = (uint64_t)v;
    if (jfield_str(obj, RECORD_F_VECTORS, NULL, rec->vectors, sizeof rec->vectors, err, errlen) ||
        jfield_str(obj, RECORD_F_DRIVER, NULL, rec->driver, sizeof rec->driver, err, errlen) ||
        jfield_str(obj, RECORD_F_DISTRIBUTE, NULL, rec->distribute, sizeof rec->distribute, err,
                   errlen) ||
        jfield_str(obj, RECORD_F_THREAD_MODE, NULL, rec->thread_mode, sizeof rec->thread_mode, err,
                   errlen) ||
        jfield_str(obj, RECORD_F_ENGINE, RECORD_LAPACK, rec->engine, sizeof rec->engine, err,
                   errlen) ||
        jfield_int(obj, RECORD_F_RANKS, 1, &v, err, errlen))
        goto out;
    rec->ranks = (int)v;
    if (jfield_int(obj, RECORD_F_THREADS, 1, &v, err, errlen))
        goto out;
    rec->threads = (int)v;
    /* a scalapack record's grid and block make it another configuration, and
     * so does a kernel other than lapack (absent in records from before the
     * field, null for scalapack: lapack) */
    json_t *grid = json_object_get(obj, RECORD_F_GRID), *block = json_object_get(obj, RECORD_F_BLOCK),
           *group = json_object_get(obj, RECORD_F_GROUP),
           *kernel = json_object_get(obj, RECORD_F_KERNEL);
    char name[16] = RECORD_LAPACK;
    if (kernel && !json_is_null(kernel) &&
        jfield_str(obj, RECORD_F_KERNEL, NULL, name, sizeof name, err, errlen))
        goto out;
    if (kernel_counts(obj, name, rec->kernels, sizeof rec->kernels, err, errlen))
        goto out;
    int gridded = json_is_string(grid) && json_is_integer(block);
    long long groups = json_is_integer(group) && json_integer_value(group) > 0
                           ? rec->ranks / json_integer_value(group) : 1;
    char engine[sizeof rec->engine];
    snprintf(engine, sizeof engine, "%s", rec->engine);
    if (record_engine_label(rec->engine, sizeof rec->engine, engine, name, groups,
                            gridded ? json_string_value(grid) : NULL,
                            gridded ? (long long)json_integer_value(block) : 0)) {
        snprintf(err, errlen, "fields 'engine', 'grid', 'block' and 'kernel' are too long "
                              "together");
        goto out;
    }
    if (jfield_num(obj, RECORD_F_WALL_S, 1, &rec->wall_s, err, errlen) ||
        jfield_num(obj, RECORD_F_SVD_S, 1, &rec->svd_s, err, errlen) ||
        jfield_num(obj, RECORD_F_TRANSFER_S, 1, &rec->transfer_s, err, errlen) ||
        jfield_num(obj, RECORD_F_GATHER_S, 1, &rec->gather_s, err, errlen) ||
        jfield_num(obj, RECORD_F_LOAD_PCT, 1, &rec->load_pct, err, errlen) ||
        jfield_num(obj, RECORD_F_RSS_MB, 1, &rec->rss_mb, err, errlen))
        goto out;
    rec->wall_s_min = rec->wall_s_max = rec->wall_s;
    if (jfield_num(obj, RECORD_F_WALL_S_MIN, 0, &rec->wall_s_min, err, errlen) ||
        jfield_num(obj, RECORD_F_WALL_S_MAX, 0, &rec->wall_s_max, err, errlen) ||
        jfield_str(obj, RECORD_F_CHECKSUM, NULL, rec->checksum, sizeof rec->checksum, err,
                   errlen) ||
        jfield_str(obj, RECORD_F_CHECK, NULL, rec->check, sizeof rec->check, err, errlen))
        goto out;
    if (json_object_get(obj, RECORD_F_BOUNDARY) &&
        jfield_int(obj, RECORD_F_BOUNDARY, 0, &rec->boundary, err, errlen))
        goto out;
    json_t *hosts = json_object_get(obj, RECORD_F_HOSTS);
    if (!hosts || !json_is_array(hosts) || json_array_size(hosts) == 0) {
        snprintf(err, errlen, hosts ? HOSTS_ARRAY : "missing field '" RECORD_F_HOSTS "'");
        goto out;
    }
    size_t i, used = 0;
    json_t *h;
    json_array_foreach(hosts, i, h) {
        if (!json_is_string(h)) {
            snprintf(err, errlen, HOSTS_ARRAY);
            goto out;
        }
        used += (size_t)snprintf(rec->hosts + used, used < sizeof rec->hosts ? sizeof rec->hosts - used : 0,
                                 "%s%s", i ? "," : "", json_string_value(h));
    }
    if (used >= sizeof rec->hosts) {
        snprintf(err, errlen, "field '" RECORD_F_HOSTS "' is too long");
        goto out;
    }
    if (precision_fields(obj, rec, err, errlen))
        goto out;
    rc = schedule_fields(obj, rec, err, errlen);
    if (rc == 0)
        rc = tunerec_read(obj, rec->ranks, rec->threads, &rec->tuned, &rec->tune, err, errlen);
out:
    if (rc)
        history_record_free(rec);
    json_decref(obj);
    return rc;
}

int history_read_file(const char *path, history_set *set, FILE *errors)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(errors, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, bad = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        size_t lead = strspn(line, " \t\r\f\v");
        if (line[lead] == '\0')
            continue;
        if (set->n == set->cap) {
            int ncap = set->cap ? 2 * set->cap : 64;
            history_record *grown = fault_here("records", 0)
                                        ? NULL
                                        : realloc(set->records, (size_t)ncap * sizeof *grown);
            if (!grown) {
                free(line);
                fclose(f);
                return -ENOMEM;
            }
            set->records = grown;
            set->cap = ncap;
        }
        history_record *rec = &set->records[set->n];
        char err[256];
        int rc = history_parse_line(line, rec, err, sizeof err);
        if (rc == ENOMEM) {
            free(line);
            fclose(f);
            return -ENOMEM;
        }
        if (rc != 0) {
            fprintf(errors, "%s:%d: %s\n", path, lineno, err);
            bad++;
            continue;
        }
        snprintf(rec->file, sizeof rec->file, "%s", path);
        rec->line = lineno;
        set->n++;
    }
    /* getline's -1 is the end, a read error, or memory that ran out */
    int read_error = ferror(f), no_memory = !read_error && !feof(f);
    free(line);
    fclose(f);
    if (read_error) {
        fprintf(errors, "%s: cannot read\n", path);
        return -1;
    }
    return no_memory ? -ENOMEM : bad;
}

void history_record_free(history_record *rec)
{
    free(rec->set);
    free(rec->rank_busy_s);
    rec->set = NULL;
    rec->rank_busy_s = rec->rank_loop_s = NULL;
    rec->n_rank_s = 0;
}

void history_set_free(history_set *set)
{
    for (int i = 0; i < set->n; i++)
        history_record_free(&set->records[i]);
    free(set->records);
    memset(set, 0, sizeof *set);
}
