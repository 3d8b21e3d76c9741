/* compare: svdrun JSON records grouped by matrix set and configuration, with speedups, agreement, recommendations and baselines. */
#include "compare.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "record.h"
#include "stats.h"

/* Field readers: each returns 0, or -1 with the field named in err. */
static int get_int(json_t *obj, const char *key, int64_t min, int64_t *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        snprintf(err, errlen, "missing field '%s'", key);
        return -1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min) {
        snprintf(err, errlen, "field '%s' must be an integer >= %lld", key, (long long)min);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static int get_num(json_t *obj, const char *key, int required, double *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!required)
            return 0;
        snprintf(err, errlen, "missing field '%s'", key);
        return -1;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0) {
        snprintf(err, errlen, "field '%s' must be a non-negative number", key);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int get_str(json_t *obj, const char *key, const char *fallback, char *out, size_t len,
                   char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v && fallback) {
        snprintf(out, len, "%s", fallback);
        return 0;
    }
    if (!v) {
        snprintf(err, errlen, "missing field '%s'", key);
        return -1;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= len) {
        snprintf(err, errlen, "field '%s' must be a string of 1 to %zu characters", key, len - 1);
        return -1;
    }
    snprintf(out, len, "%s", json_string_value(v));
    return 0;
}

#define HOSTS_ARRAY "field '" RECORD_F_HOSTS "' must be a non-empty array of strings"

int compare_parse_line(const char *text, compare_record *rec, char *err, size_t errlen)
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
    if (get_int(obj, RECORD_F_SCHEMA, 0, &schema, err, errlen))
        goto out;
    if (schema != RECORD_SCHEMA) {
        snprintf(err, errlen, "unknown schema version %lld (this svdreport reads %d)",
                 (long long)schema, RECORD_SCHEMA);
        goto out;
    }
    if (get_str(obj, RECORD_F_NAME, NULL, rec->name, sizeof rec->name, err, errlen) ||
        get_int(obj, RECORD_F_ROWS, 1, &rec->rows, err, errlen) ||
        get_int(obj, RECORD_F_COLS, 1, &rec->cols, err, errlen) ||
        get_int(obj, RECORD_F_COUNT, 1, &rec->count, err, errlen) ||
        get_int(obj, RECORD_F_SEED, 0, &v, err, errlen))
        goto out;
    rec->seed = (uint64_t)v;
    if (get_str(obj, RECORD_F_VECTORS, NULL, rec->vectors, sizeof rec->vectors, err, errlen) ||
        get_str(obj, RECORD_F_DRIVER, NULL, rec->driver, sizeof rec->driver, err, errlen) ||
        get_str(obj, RECORD_F_DISTRIBUTE, NULL, rec->distribute, sizeof rec->distribute, err,
                errlen) ||
        get_str(obj, RECORD_F_THREAD_MODE, NULL, rec->thread_mode, sizeof rec->thread_mode, err,
                errlen) ||
        get_str(obj, RECORD_F_ENGINE, RECORD_LAPACK, rec->engine, sizeof rec->engine, err,
                errlen) ||
        get_int(obj, RECORD_F_RANKS, 1, &v, err, errlen))
        goto out;
    rec->ranks = (int)v;
    if (get_int(obj, RECORD_F_THREADS, 1, &v, err, errlen))
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
        get_str(obj, RECORD_F_KERNEL, NULL, name, sizeof name, err, errlen))
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
    if (get_num(obj, RECORD_F_WALL_S, 1, &rec->wall_s, err, errlen) ||
        get_num(obj, RECORD_F_SVD_S, 1, &rec->svd_s, err, errlen) ||
        get_num(obj, RECORD_F_TRANSFER_S, 1, &rec->transfer_s, err, errlen) ||
        get_num(obj, RECORD_F_GATHER_S, 1, &rec->gather_s, err, errlen) ||
        get_num(obj, RECORD_F_LOAD_PCT, 1, &rec->load_pct, err, errlen) ||
        get_num(obj, RECORD_F_RSS_MB, 1, &rec->rss_mb, err, errlen))
        goto out;
    rec->wall_s_min = rec->wall_s_max = rec->wall_s;
    if (get_num(obj, RECORD_F_WALL_S_MIN, 0, &rec->wall_s_min, err, errlen) ||
        get_num(obj, RECORD_F_WALL_S_MAX, 0, &rec->wall_s_max, err, errlen) ||
        get_str(obj, RECORD_F_CHECKSUM, NULL, rec->checksum, sizeof rec->checksum, err, errlen) ||
        get_str(obj, RECORD_F_CHECK, NULL, rec->check, sizeof rec->check, err, errlen))
        goto out;
    if (json_object_get(obj, RECORD_F_BOUNDARY) &&
        get_int(obj, RECORD_F_BOUNDARY, 0, &rec->boundary, err, errlen))
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
    rc = 0;
out:
    json_decref(obj);
    return rc;
}

int compare_read_file(const char *path, compare_set *set, FILE *errors)
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
            compare_record *grown = fault_here("records", 0)
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
        compare_record *rec = &set->records[set->n];
        char err[256];
        if (compare_parse_line(line, rec, err, sizeof err) != 0) {
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

void compare_set_free(compare_set *set)
{
    free(set->records);
    memset(set, 0, sizeof *set);
}

/* A matrix set, the key of a group. */
typedef struct {
    int64_t rows, cols, count;
    uint64_t seed;
    const char *vectors, *driver;
} set_key;

static set_key record_set(const compare_record *r)
{
    return (set_key){r->rows, r->cols, r->count, r->seed, r->vectors, r->driver};
}

static set_key group_set(const compare_group *g)
{
    return (set_key){g->rows, g->cols, g->count, g->seed, g->vectors, g->driver};
}

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_set(set_key a, set_key b)
{
    int c;
    if ((c = cmp_i64(a.rows, b.rows)) || (c = cmp_i64(a.cols, b.cols)) ||
        (c = cmp_i64(a.count, b.count)) || (c = (a.seed > b.seed) - (a.seed < b.seed)) ||
        (c = strcmp(a.vectors, b.vectors)))
        return c;
    return strcmp(a.driver, b.driver);
}

/* A configuration, the key of a row; hosts NULL where they are not compared. */
typedef struct {
    int ranks, threads;
    const char *thread_mode, *distribute, *engine, *hosts;
} config_key;

static config_key record_config(const compare_record *r)
{
    return (config_key){r->ranks, r->threads, r->thread_mode, r->distribute, r->engine, r->hosts};
}

static config_key row_config(const compare_row *r, int with_hosts)
{
    return (config_key){r->ranks, r->threads, r->thread_mode, r->distribute, r->engine,
                        with_hosts ? r->hosts : NULL};
}

/* The table's row order: distribute, engine, thread mode, threads, ranks, hosts. */
static int cmp_config(config_key a, config_key b)
{
    int c;
    if ((c = strcmp(a.distribute, b.distribute)) || (c = strcmp(a.engine, b.engine)) ||
        (c = strcmp(a.thread_mode, b.thread_mode)) || (c = cmp_i64(a.threads, b.threads)) ||
        (c = cmp_i64(a.ranks, b.ranks)))
        return c;
    return a.hosts && b.hosts ? strcmp(a.hosts, b.hosts) : 0;
}

/* qsort orders over pointers into one set's records; ties go to the earlier
 * line, so each run of equal keys starts with its first record in the files. */
static int cmp_position(const compare_record *x, const compare_record *y)
{
    return (x > y) - (x < y);
}

static int by_position(const void *a, const void *b)
{
    return cmp_position(*(const compare_record *const *)a, *(const compare_record *const *)b);
}

static int by_set(const void *a, const void *b)
{
    const compare_record *x = *(const compare_record *const *)a, *y = *(const compare_record *const *)b;
    int c = cmp_set(record_set(x), record_set(y));
    return c ? c : cmp_position(x, y);
}

static int by_config(const void *a, const void *b)
{
    const compare_record *x = *(const compare_record *const *)a, *y = *(const compare_record *const *)b;
    int c = cmp_config(record_config(x), record_config(y));
    return c ? c : cmp_position(x, y);
}

static int by_checksum(const void *a, const void *b)
{
    const compare_record *x = *(const compare_record *const *)a, *y = *(const compare_record *const *)b;
    int c = strcmp(x->checksum, y->checksum);
    return c ? c : cmp_position(x, y);
}

/* Adds host names of a comma list to the group's list, once each. */
static void add_hosts(compare_group *g, const char *hosts)
{
    char copy[COMPARE_TEXT];
    snprintf(copy, sizeof copy, "%s", hosts);
    for (char *save = NULL, *h = strtok_r(copy, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
        size_t hl = strlen(h);
        const char *p = g->hosts;
        int found = 0;
        while (*p && !found) {
            size_t l = strcspn(p, ",");
            found = l == hl && strncmp(p, h, l) == 0;
            p += l + (p[l] == ',');
        }
        size_t used = strlen(g->hosts);
        if (!found && used + hl + 2 < sizeof g->hosts)
            snprintf(g->hosts + used, sizeof g->hosts - used, "%s%s", used ? "," : "", h);
    }
}

static int row_matches(const compare_row *row, const compare_base_spec *s)
{
    return (!s->ranks || row->ranks == s->ranks) && (!s->threads || row->threads == s->threads) &&
           (!s->thread_mode[0] || strcmp(row->thread_mode, s->thread_mode) == 0) &&
           (!s->distribute[0] || strcmp(row->distribute, s->distribute) == 0) &&
           (!s->engine[0] || strcmp(row->engine, s->engine) == 0);
}

/* The reference checksum of a group's n records (reordered): the most common,
 * ties to the first seen. A record with boundary > 0 differs from its own
 * launch's first configuration by rounding, so it votes only when no record
 * is exact. */
static void vote_checksum(compare_group *g, const compare_record **recs, int n)
{
    int exact = 0;
    for (int i = 0; i < n; i++)
        exact |= recs[i]->boundary == 0;
    qsort(recs, (size_t)n, sizeof *recs, by_checksum);
    int best = 0;
    const compare_record *winner = NULL;
    for (int i = 0, j; i < n; i = j) {
        int votes = 0;
        const compare_record *first = NULL;
        for (j = i; j < n && strcmp(recs[j]->checksum, recs[i]->checksum) == 0; j++)
            if (!(exact && recs[j]->boundary > 0)) {
                first = first ? first : recs[j];
                votes++;
            }
        if (votes > best || (votes && votes == best && cmp_position(first, winner) < 0)) {
            best = votes;
            winner = first;
        }
    }
    snprintf(g->checksum, sizeof g->checksum, "%s", winner ? winner->checksum : "");
}

/* Fills row from its n records, the first of them its first in the files;
 * vals is scratch for n values. */
static void summarise_row(compare_row *row, compare_group *g, const compare_record **recs, int n,
                          double *vals)
{
    const compare_record *first = recs[0];
    row->ranks = first->ranks;
    row->threads = first->threads;
    row->cores = first->ranks * first->threads;
    row->runs = n;
    snprintf(row->thread_mode, sizeof row->thread_mode, "%s", first->thread_mode);
    snprintf(row->distribute, sizeof row->distribute, "%s", first->distribute);
    snprintf(row->engine, sizeof row->engine, "%s", first->engine);
    snprintf(row->hosts, sizeof row->hosts, "%s", first->hosts);
    snprintf(row->checksum, sizeof row->checksum, "%s", first->checksum);

    const size_t offsets[] = {offsetof(compare_record, wall_s), offsetof(compare_record, svd_s),
                              offsetof(compare_record, transfer_s), offsetof(compare_record, gather_s),
                              offsetof(compare_record, load_pct), offsetof(compare_record, rss_mb)};
    double *targets[] = {&row->wall_s, &row->svd_s, &row->transfer_s, &row->gather_s,
                         &row->load_pct, &row->rss_mb};
    for (int f = 0; f < 6; f++) {
        for (int i = 0; i < n; i++)
            vals[i] = *(const double *)((const char *)recs[i] + offsets[f]);
        *targets[f] = stats_median(vals, n);
    }
    row->agree = 1;
    row->wall_s_min = INFINITY;
    row->wall_s_max = 0.0;
    for (int i = 0; i < n; i++) {
        const compare_record *r = recs[i];
        row->wall_s_min = fmin(row->wall_s_min, r->wall_s_min);
        row->wall_s_max = fmax(row->wall_s_max, r->wall_s_max);
        /* svdrun compared this record's double sums with its launch's first
         * configuration: PASSED with boundary > 0 means its integers differ
         * only where a sum lies within rounding of an integer */
        if (strcmp(r->check, RECORD_PASSED) != 0)
            row->agree = 0;
        else if (strcmp(r->checksum, g->checksum) != 0 && r->boundary > 0)
            row->rounding = 1;
        else if (strcmp(r->checksum, g->checksum) != 0)
            row->agree = 0;
    }
    g->rounding += row->agree && row->rounding;
    row->transfer_pct = row->wall_s > 0 ? 100.0 * row->transfer_s / row->wall_s : 0.0;
    row->baseline_wall_s = row->ratio = NAN;
    row->verdict = COMPARE_NO_BASELINE;
    g->disagree += !row->agree;
}

/* Fills group g from its n records recs, which it reorders (sorting, not
 * rescanning, keeps a long history fast); vals and firsts are scratch for n. */
static int build_group(compare_group *g, const compare_record **recs, int n,
                       const compare_base_spec *base, double *vals, const compare_record **firsts)
{
    vote_checksum(g, recs, n);

    /* rows: one per run of equal configurations, in the table's order */
    qsort(recs, (size_t)n, sizeof *recs, by_config);
    int n_rows = 0;
    for (int i = 0; i < n; i++)
        n_rows += i == 0 || cmp_config(record_config(recs[i - 1]), record_config(recs[i])) != 0;
    g->configs = calloc((size_t)n_rows, sizeof *g->configs);
    if (!g->configs)
        return ENOMEM;
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && cmp_config(record_config(recs[i]), record_config(recs[j])) == 0; j++)
            ;
        firsts[g->n_configs] = recs[i];
        summarise_row(&g->configs[g->n_configs++], g, recs + i, j - i, vals);
    }
    /* hosts in order of appearance: a row's first record is the first with its hosts */
    qsort(firsts, (size_t)g->n_configs, sizeof *firsts, by_position);
    for (int k = 0; k < g->n_configs; k++)
        add_hosts(g, firsts[k]->hosts);

    /* base row: the first match; the default prefers blas/regenerate/lapack */
    g->base = -1;
    compare_base_spec preferred = *base;
    compare_base_spec defaults;
    compare_default_base(&defaults);
    int is_default = memcmp(base, &defaults, sizeof defaults) == 0;
    for (int k = 0; k < g->n_configs && g->base < 0; k++)
        if (row_matches(&g->configs[k], &preferred))
            g->base = k;
    if (g->base < 0 && is_default) {
        preferred.thread_mode[0] = preferred.distribute[0] = preferred.engine[0] = '\0';
        for (int k = 0; k < g->n_configs && g->base < 0; k++)
            if (row_matches(&g->configs[k], &preferred))
                g->base = k;
    }
    for (int k = 0; k < g->n_configs; k++) {
        compare_row *row = &g->configs[k];
        if (g->base >= 0 && row->wall_s > 0) {
            const compare_row *b = &g->configs[g->base];
            row->speedup = b->wall_s / row->wall_s;
            row->efficiency = row->speedup * b->cores / row->cores;
        } else {
            row->speedup = row->efficiency = NAN;
        }
    }

    /* fastest, then the fewest cores within 5% of it; a configuration whose
     * results disagree is never recommended while one that agrees exists */
    int need_agree = g->disagree < g->n_configs;
    g->fastest = -1;
    for (int k = 0; k < g->n_configs; k++)
        if ((!need_agree || g->configs[k].agree) &&
            (g->fastest < 0 || g->configs[k].wall_s < g->configs[g->fastest].wall_s))
            g->fastest = k;
    g->cheapest = g->fastest;
    double limit = 1.05 * g->configs[g->fastest].wall_s;
    for (int k = 0; k < g->n_configs; k++) {
        const compare_row *row = &g->configs[k], *c = &g->configs[g->cheapest];
        if ((!need_agree || row->agree) && row->wall_s <= limit &&
            (row->cores < c->cores || (row->cores == c->cores && row->wall_s < c->wall_s)))
            g->cheapest = k;
    }
    return 0;
}

/* A group's records: a run of the set's records sorted by matrix set. */
typedef struct {
    const compare_record **recs;
    int n;
} group_span;

static int by_first_record(const void *a, const void *b)
{
    return cmp_position(((const group_span *)a)->recs[0], ((const group_span *)b)->recs[0]);
}

int compare_build(const compare_set *set, const compare_base_spec *base, compare_report *rep)
{
    memset(rep, 0, sizeof *rep);
    size_t n = set->n > 0 ? (size_t)set->n : 1;
    const compare_record **recs = malloc(n * sizeof *recs), **firsts = malloc(n * sizeof *firsts);
    double *vals = malloc(n * sizeof *vals);
    group_span *spans = malloc(n * sizeof *spans);
    int rc = ENOMEM;
    if (fault_here("summarise", 0) || !recs || !firsts || !vals || !spans)
        goto out;
    for (int i = 0; i < set->n; i++)
        recs[i] = &set->records[i];
    qsort(recs, (size_t)set->n, sizeof *recs, by_set);
    int n_groups = 0;
    for (int i = 0; i < set->n; i++) {
        if (i == 0 || cmp_set(record_set(recs[i - 1]), record_set(recs[i])) != 0)
            spans[n_groups++] = (group_span){recs + i, 0};
        spans[n_groups - 1].n++;
    }
    /* groups in order of first appearance */
    qsort(spans, (size_t)n_groups, sizeof *spans, by_first_record);
    rep->groups = calloc((size_t)(n_groups ? n_groups : 1), sizeof *rep->groups);
    if (!rep->groups)
        goto out;
    for (int k = 0; k < n_groups; k++) {
        const compare_record *r = spans[k].recs[0];
        compare_group *grp = &rep->groups[rep->n++];
        snprintf(grp->name, sizeof grp->name, "%s", r->name);
        grp->rows = r->rows;
        grp->cols = r->cols;
        grp->count = r->count;
        grp->seed = r->seed;
        snprintf(grp->vectors, sizeof grp->vectors, "%s", r->vectors);
        snprintf(grp->driver, sizeof grp->driver, "%s", r->driver);
        if (build_group(grp, spans[k].recs, spans[k].n, base, vals, firsts) != 0)
            goto out;
    }
    rc = 0;
out:
    if (rc)
        compare_report_free(rep);
    free(recs);
    free(firsts);
    free(vals);
    free(spans);
    return rc;
}

void compare_default_base(compare_base_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ranks = 1;
    spec->threads = 1;
    strcpy(spec->thread_mode, "blas");
    strcpy(spec->distribute, "regenerate");
    strcpy(spec->engine, RECORD_LAPACK);
}

int compare_parse_base(const char *text, compare_base_spec *spec, char *err, size_t errlen)
{
    char copy[256];
    if (strlen(text) >= sizeof copy || text[0] == '\0') {
        snprintf(err, errlen, "--base: expected key=value pairs such as \"ranks=2,threads=1\"");
        return -1;
    }
    strcpy(copy, text);
    memset(spec, 0, sizeof *spec);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq || eq == item || !eq[1]) {
            snprintf(err, errlen, "--base: '%s' is not key=value", item);
            return -1;
        }
        *eq = '\0';
        const char *key = item, *value = eq + 1;
        if (strcmp(key, "ranks") == 0 || strcmp(key, "threads") == 0) {
            char *end;
            long v = strtol(value, &end, 10);
            if (*end || v < 1 || v > 1 << 20) {
                snprintf(err, errlen, "--base: %s must be a positive integer, not '%s'", key, value);
                return -1;
            }
            *(key[0] == 'r' ? &spec->ranks : &spec->threads) = (int)v;
        } else if (strcmp(key, "thread_mode") == 0 || strcmp(key, "distribute") == 0 ||
                   strcmp(key, "engine") == 0) {
            char *dst = key[0] == 't' ? spec->thread_mode : key[0] == 'd' ? spec->distribute : spec->engine;
            if (strlen(value) >= sizeof spec->engine) {
                snprintf(err, errlen, "--base: %s '%s' is too long", key, value);
                return -1;
            }
            strcpy(dst, value);
        } else {
            snprintf(err, errlen,
                     "--base: unknown key '%s' (ranks, threads, thread_mode, distribute, engine)", key);
            return -1;
        }
    }
    return 0;
}

int compare_parse_threshold(const char *text, double *threshold)
{
    /* plain decimal only: strtod would also take "0x10", "1e1" and " 5" */
    size_t digits = strspn(text, "0123456789.");
    if (digits == 0 || (text[digits] && strcmp(text + digits, "%") != 0) ||
        strchr(text, '.') != strrchr(text, '.'))
        return -1;
    char *end;
    double v = strtod(text, &end);
    if (end != text + digits || !isfinite(v))
        return -1;
    *threshold = v / 100.0;
    return 0;
}

/* A row of the baseline, found by matrix set and configuration without hosts. */
typedef struct {
    const compare_group *g;
    const compare_row *row;
} baseline_row;

static int cmp_baseline_key(const baseline_row *x, const baseline_row *y)
{
    int c = cmp_set(group_set(x->g), group_set(y->g));
    return c ? c : cmp_config(row_config(x->row, 0), row_config(y->row, 0));
}

/* Ties in table order, so that the first match is the first of its run. */
static int by_baseline_key(const void *a, const void *b)
{
    const baseline_row *x = a, *y = b;
    int c = cmp_baseline_key(x, y);
    if (c == 0 && x->g != y->g)
        c = x->g < y->g ? -1 : 1;
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

int compare_apply_baseline(compare_report *rep, const compare_set *old, double threshold)
{
    compare_base_spec base;
    compare_default_base(&base);
    compare_report before;
    if (compare_build(old, &base, &before) != 0)
        return -1;
    /* every old row with a wall time, sorted: one binary search per new row */
    size_t n_old = 0;
    for (int h = 0; h < before.n; h++)
        n_old += (size_t)before.groups[h].n_configs;
    baseline_row *olds = fault_here("baseline", 0) ? NULL : malloc((n_old ? n_old : 1) * sizeof *olds);
    if (!olds) {
        compare_report_free(&before);
        return -1;
    }
    n_old = 0;
    for (int h = 0; h < before.n; h++)
        for (int j = 0; j < before.groups[h].n_configs; j++)
            if (before.groups[h].configs[j].wall_s > 0)
                olds[n_old++] = (baseline_row){&before.groups[h], &before.groups[h].configs[j]};
    qsort(olds, n_old, sizeof *olds, by_baseline_key);

    int regressions = 0;
    for (int g = 0; g < rep->n; g++) {
        compare_group *grp = &rep->groups[g];
        grp->regressions = 0;
        for (int k = 0; k < grp->n_configs; k++) {
            compare_row *row = &grp->configs[k];
            const baseline_row key = {grp, row};
            size_t lo = 0, hi = n_old;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_baseline_key(&olds[mid], &key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            row->verdict = COMPARE_NEW;
            if (lo == n_old || cmp_baseline_key(&olds[lo], &key) != 0)
                continue;
            const compare_row *o = olds[lo].row;
            row->baseline_wall_s = o->wall_s;
            row->ratio = row->wall_s / o->wall_s;
            row->verdict = row->ratio > 1.0 + threshold   ? COMPARE_REGRESSION
                           : row->ratio < 1.0 - threshold ? COMPARE_IMPROVED
                                                          : COMPARE_SAME;
            if (row->verdict == COMPARE_REGRESSION) {
                grp->regressions++;
                regressions++;
            }
        }
    }
    free(olds);
    compare_report_free(&before);
    return regressions;
}

void compare_report_free(compare_report *rep)
{
    for (int g = 0; g < rep->n; g++)
        free(rep->groups[g].configs);
    free(rep->groups);
    memset(rep, 0, sizeof *rep);
}

const char *compare_verdict_name(compare_verdict v)
{
    static const char *const names[] = {"", "new", "same", "improved", "regression"};
    return names[v];
}
