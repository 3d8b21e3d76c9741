/* compare: records grouped and summarised: medians, speedups, agreement, the recommended rows. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "record.h"
#include "stats.h"

/* A matrix set, the key of a group. */
typedef struct {
    int64_t rows, cols, count;
    uint64_t seed;
    const char *vectors, *driver, *set;
} set_key;

static set_key record_set(const history_record *r)
{
    return (set_key){r->rows, r->cols, r->count, r->seed, r->vectors, r->driver, r->set};
}

static set_key group_set(const compare_group *g)
{
    return (set_key){g->rows, g->cols, g->count, g->seed, g->vectors, g->driver, g->set};
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
        (c = strcmp(a.vectors, b.vectors)) || (c = strcmp(a.driver, b.driver)))
        return c;
    if (!a.set || !b.set)
        return (a.set != NULL) - (b.set != NULL);
    return strcmp(a.set, b.set);
}

/* A configuration, the key of a row; hosts NULL where they are not compared.
 * A tuned launch is a configuration of its own: its wall time holds the race;
 * so is each precision, whose times and results are its own. */
typedef struct {
    int ranks, threads, tuned, dtype;
    const char *thread_mode, *distribute, *engine, *schedule, *hosts;
} config_key;

static config_key record_config(const history_record *r)
{
    return (config_key){r->ranks, r->threads, r->tuned, (int)r->dtype, r->thread_mode,
                        r->distribute, r->engine, r->schedule, r->hosts};
}

static config_key row_config(const compare_row *r)
{
    return (config_key){r->ranks, r->threads, r->tuned, (int)r->dtype, r->thread_mode,
                        r->distribute, r->engine, r->schedule, NULL};
}

/* The schedules in svdrun's order (static, cost, dynamic), then any other by name. */
static int cmp_schedule(const char *a, const char *b)
{
    static const char *const known[] = {"static", "cost", "dynamic"};
    int ra = 3, rb = 3;
    for (int i = 0; i < 3; i++) {
        ra = ra == 3 && strcmp(a, known[i]) == 0 ? i : ra;
        rb = rb == 3 && strcmp(b, known[i]) == 0 ? i : rb;
    }
    return ra != rb ? (ra > rb) - (ra < rb) : strcmp(a, b);
}

/* The table's row order: distribute, engine, thread mode, threads, ranks,
 * schedule, dtype (svdrun's order), plain before tuned, hosts: a layout's
 * schedules and precisions side by side, and a tuned launch beside the plain
 * runs of its winner. */
static int cmp_config(config_key a, config_key b)
{
    int c;
    if ((c = strcmp(a.distribute, b.distribute)) || (c = strcmp(a.engine, b.engine)) ||
        (c = strcmp(a.thread_mode, b.thread_mode)) || (c = cmp_i64(a.threads, b.threads)) ||
        (c = cmp_i64(a.ranks, b.ranks)) || (c = cmp_schedule(a.schedule, b.schedule)) ||
        (c = cmp_i64(a.dtype, b.dtype)) || (c = cmp_i64(a.tuned, b.tuned)))
        return c;
    return a.hosts && b.hosts ? strcmp(a.hosts, b.hosts) : 0;
}

int compare_cmp_set(const compare_group *a, const compare_group *b)
{
    return cmp_set(group_set(a), group_set(b));
}

int compare_cmp_config(const compare_row *a, const compare_row *b)
{
    return cmp_config(row_config(a), row_config(b));
}

/* qsort orders over pointers into one set's records; ties go to the earlier
 * line, so each run of equal keys starts with its first record in the files. */
static int cmp_position(const history_record *x, const history_record *y)
{
    return (x > y) - (x < y);
}

static int by_position(const void *a, const void *b)
{
    return cmp_position(*(const history_record *const *)a, *(const history_record *const *)b);
}

static int by_set(const void *a, const void *b)
{
    const history_record *x = *(const history_record *const *)a, *y = *(const history_record *const *)b;
    int c = cmp_set(record_set(x), record_set(y));
    return c ? c : cmp_position(x, y);
}

static int by_config(const void *a, const void *b)
{
    const history_record *x = *(const history_record *const *)a, *y = *(const history_record *const *)b;
    int c = cmp_config(record_config(x), record_config(y));
    return c ? c : cmp_position(x, y);
}

/* By dtype, then checksum: each dtype's records together, as each votes apart. */
static int by_checksum(const void *a, const void *b)
{
    const history_record *x = *(const history_record *const *)a, *y = *(const history_record *const *)b;
    int c = cmp_i64(x->dtype, y->dtype);
    c = c ? c : strcmp(x->checksum, y->checksum);
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

/* The first row that spec names, or -1; never a tuned one, whose wall time
 * holds its race. A spec without a dtype names the group's own. */
static int find_base(const compare_group *g, const baserow_spec *spec)
{
    baserow_spec want = *spec;
    if (!want.dtype[0])
        snprintf(want.dtype, sizeof want.dtype, "%s", dtype_name(g->dtype));
    for (int k = 0; k < g->n_configs; k++) {
        const compare_row *r = &g->configs[k];
        if (!r->tuned && baserow_matches(&want, r->ranks, r->threads, r->thread_mode,
                                         r->distribute, r->engine, dtype_name(r->dtype)))
            return k;
    }
    return -1;
}

/* The reference checksum of n records of one dtype, sorted by checksum, into
 * out[len]: the most common, ties to the first seen. A record with boundary >
 * 0 differs from its own launch's first configuration by rounding, so it
 * votes only when no record is exact. */
static void vote_dtype(char *out, size_t len, const history_record **recs, int n)
{
    int exact = 0;
    for (int i = 0; i < n; i++)
        exact |= recs[i]->boundary == 0;
    int best = 0;
    const history_record *winner = NULL;
    for (int i = 0, j; i < n; i = j) {
        int votes = 0;
        const history_record *first = NULL;
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
    snprintf(out, len, "%s", winner ? winner->checksum : "");
}

/* Each dtype's reference checksum of a group's n records (reordered): float32
 * and float64 results legitimately differ, so each dtype votes apart. */
static void vote_checksum(compare_group *g, const history_record **recs, int n)
{
    qsort(recs, (size_t)n, sizeof *recs, by_checksum);
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && recs[j]->dtype == recs[i]->dtype; j++)
            ;
        vote_dtype(g->checksum[recs[i]->dtype], sizeof g->checksum[0], recs + i, j - i);
    }
}

/* Of the n records (in file order) that with_balance allows (any, or those
 * with the balance figures), the one whose wall time is nearest wall, the
 * first on a tie; NULL when none. */
static const history_record *nearest(const history_record **recs, int n, double wall,
                                     int with_balance)
{
    const history_record *best = NULL;
    for (int i = 0; i < n; i++)
        if ((!with_balance || recs[i]->balance) &&
            (!best || fabs(recs[i]->wall_s - wall) < fabs(best->wall_s - wall)))
            best = recs[i];
    return best;
}

/* Fills row from its n records, the first of them its first in the files;
 * vals is scratch for n values. */
static void summarise_row(compare_row *row, compare_group *g, const history_record **recs, int n,
                          double *vals)
{
    const history_record *first = recs[0];
    row->ranks = first->ranks;
    row->threads = first->threads;
    row->cores = first->ranks * first->threads;
    row->runs = n;
    row->tuned = first->tuned;
    snprintf(row->thread_mode, sizeof row->thread_mode, "%s", first->thread_mode);
    snprintf(row->distribute, sizeof row->distribute, "%s", first->distribute);
    snprintf(row->engine, sizeof row->engine, "%s", first->engine);
    snprintf(row->schedule, sizeof row->schedule, "%s", first->schedule);
    snprintf(row->hosts, sizeof row->hosts, "%s", first->hosts);
    snprintf(row->checksum, sizeof row->checksum, "%s", first->checksum);
    row->dtype = first->dtype;

    const size_t offsets[] = {offsetof(history_record, wall_s), offsetof(history_record, svd_s),
                              offsetof(history_record, transfer_s), offsetof(history_record, gather_s),
                              offsetof(history_record, load_pct), offsetof(history_record, rss_mb)};
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
    row->sigma_err = row->sigma_err_over_bound = NAN;
    const char *reference = g->checksum[row->dtype];
    for (int i = 0; i < n; i++) {
        const history_record *r = recs[i];
        row->wall_s_min = fmin(row->wall_s_min, r->wall_s_min);
        row->wall_s_max = fmax(row->wall_s_max, r->wall_s_max);
        /* svdrun compared this record's double sums with its launch's first
         * configuration: PASSED with boundary > 0 means its integers differ
         * only where a sum lies within rounding of an integer */
        if (strcmp(r->check, RECORD_PASSED) != 0)
            row->agree = 0;
        else if (strcmp(r->checksum, reference) != 0 && r->boundary > 0)
            row->rounding = 1;
        else if (strcmp(r->checksum, reference) != 0)
            row->agree = 0;
        /* the worst run's accuracy, not a median: fmax passes over a NAN (absent) */
        if (isnan(row->sigma_err) && !isnan(r->sigma_err))
            row->sigma_err_ref = r->sigma_err_ref;
        row->sigma_err = fmax(row->sigma_err, r->sigma_err);
        row->sigma_err_over_bound = fmax(row->sigma_err_over_bound, r->sigma_err_over_bound);
    }
    g->rounding += row->agree && row->rounding;
    /* the balance and tuning figures are one run's, as svdrun's own table takes them */
    row->detail = nearest(recs, n, row->wall_s, 1);
    row->tune_run = row->tuned ? nearest(recs, n, row->wall_s, 0) : NULL;
    g->balance += row->detail || strcmp(row->schedule, "static") != 0;
    g->tuned += row->tuned;
    g->typed += row->dtype != DTYPE_F64;
    g->sigma += !isnan(row->sigma_err);
    row->transfer_pct = row->wall_s > 0 ? 100.0 * row->transfer_s / row->wall_s : 0.0;
    row->baseline_wall_s = row->ratio = NAN;
    row->verdict = COMPARE_NO_BASELINE;
    g->disagree += !row->agree;
}

/* Fills group g from its n records recs, which it reorders (sorting, not
 * rescanning, keeps a long history fast); vals and firsts are scratch for n. */
static int build_group(compare_group *g, const history_record **recs, int n,
                       const baserow_spec *base, double *vals, const history_record **firsts)
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

    /* the group's own dtype: float64 when present, else the first in svdrun's
     * order (the enum's), so that speedups are against double precision */
    int seen[DTYPE_COUNT] = {0};
    for (int k = 0; k < g->n_configs; k++)
        seen[g->configs[k].dtype] = 1;
    g->dtype = DTYPE_F64;        /* every group has a row: set below */
    for (int t = DTYPE_COUNT - 1; t >= 0; t--)
        if (seen[t]) {
            g->dtype = (dtype_t)t;
            g->dtypes++;
        }

    /* base row: the first match; the default prefers blas/regenerate/lapack */
    baserow_spec fallback;
    g->base = find_base(g, base);
    if (g->base < 0 && baserow_fallback(base, &fallback))
        g->base = find_base(g, &fallback);
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
    const history_record **recs;
    int n;
} group_span;

static int by_first_record(const void *a, const void *b)
{
    return cmp_position(((const group_span *)a)->recs[0], ((const group_span *)b)->recs[0]);
}

int compare_build(const history_set *set, const baserow_spec *base, compare_report *rep)
{
    memset(rep, 0, sizeof *rep);
    size_t n = set->n > 0 ? (size_t)set->n : 1;
    const history_record **recs = malloc(n * sizeof *recs), **firsts = malloc(n * sizeof *firsts);
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
        const history_record *r = spans[k].recs[0];
        compare_group *grp = &rep->groups[rep->n++];
        snprintf(grp->name, sizeof grp->name, "%s", r->name);
        grp->rows = r->rows;
        grp->cols = r->cols;
        grp->count = r->count;
        grp->seed = r->seed;
        snprintf(grp->vectors, sizeof grp->vectors, "%s", r->vectors);
        snprintf(grp->driver, sizeof grp->driver, "%s", r->driver);
        if (r->set && !(grp->set = strdup(r->set)))
            goto out;
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

void compare_report_free(compare_report *rep)
{
    for (int g = 0; g < rep->n; g++) {
        free(rep->groups[g].configs);
        free(rep->groups[g].set);
    }
    free(rep->groups);
    memset(rep, 0, sizeof *rep);
}

const char *compare_verdict_name(compare_verdict v)
{
    static const char *const names[] = {"", "new", "same", "improved", "regression"};
    return names[v];
}
