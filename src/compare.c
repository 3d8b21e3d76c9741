/* compare: svdrun JSON records grouped by matrix set and configuration, with speedups, agreement, recommendations and baselines. */
#include "compare.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    if (get_int(obj, "schema", 0, &schema, err, errlen))
        goto out;
    if (schema != COMPARE_SCHEMA) {
        snprintf(err, errlen, "unknown schema version %lld (this svdreport reads %d)",
                 (long long)schema, COMPARE_SCHEMA);
        goto out;
    }
    if (get_str(obj, "name", NULL, rec->name, sizeof rec->name, err, errlen) ||
        get_int(obj, "rows", 1, &rec->rows, err, errlen) ||
        get_int(obj, "cols", 1, &rec->cols, err, errlen) ||
        get_int(obj, "count", 1, &rec->count, err, errlen) ||
        get_int(obj, "seed", 0, &v, err, errlen))
        goto out;
    rec->seed = (uint64_t)v;
    if (get_str(obj, "vectors", NULL, rec->vectors, sizeof rec->vectors, err, errlen) ||
        get_str(obj, "driver", NULL, rec->driver, sizeof rec->driver, err, errlen) ||
        get_str(obj, "distribute", NULL, rec->distribute, sizeof rec->distribute, err, errlen) ||
        get_str(obj, "thread_mode", NULL, rec->thread_mode, sizeof rec->thread_mode, err, errlen) ||
        get_str(obj, "engine", "lapack", rec->engine, sizeof rec->engine, err, errlen) ||
        get_int(obj, "ranks", 1, &v, err, errlen))
        goto out;
    rec->ranks = (int)v;
    if (get_int(obj, "threads", 1, &v, err, errlen))
        goto out;
    rec->threads = (int)v;
    /* a scalapack record's grid and block make it another configuration */
    json_t *grid = json_object_get(obj, "grid"), *block = json_object_get(obj, "block"),
           *group = json_object_get(obj, "group");
    if (json_is_string(grid) && json_is_integer(block)) {
        char label[2 * sizeof rec->engine];
        long long groups = json_is_integer(group) && json_integer_value(group) > 0
                               ? rec->ranks / json_integer_value(group) : 1;
        if (groups > 1)
            snprintf(label, sizeof label, "%s %lld*%s/%lld", rec->engine, groups,
                     json_string_value(grid), (long long)json_integer_value(block));
        else
            snprintf(label, sizeof label, "%s %s/%lld", rec->engine, json_string_value(grid),
                     (long long)json_integer_value(block));
        if (strlen(label) >= sizeof rec->engine) {
            snprintf(err, errlen, "fields 'engine', 'grid' and 'block' are too long together");
            goto out;
        }
        snprintf(rec->engine, sizeof rec->engine, "%s", label);
    }
    /* kernel twostage makes another configuration of engine lapack; absent
     * (records from before the key) or null (scalapack) is lapack */
    json_t *kernel = json_object_get(obj, "kernel");
    if (kernel && !json_is_null(kernel)) {
        char name[16];
        if (get_str(obj, "kernel", NULL, name, sizeof name, err, errlen))
            goto out;
        size_t used = strlen(rec->engine);
        if (strcmp(name, "lapack") != 0 &&
            (size_t)snprintf(rec->engine + used, sizeof rec->engine - used, "/%s", name) >=
                sizeof rec->engine - used) {
            snprintf(err, errlen, "fields 'engine' and 'kernel' are too long together");
            goto out;
        }
    }
    if (get_num(obj, "wall_s", 1, &rec->wall_s, err, errlen) ||
        get_num(obj, "svd_s", 1, &rec->svd_s, err, errlen) ||
        get_num(obj, "transfer_s", 1, &rec->transfer_s, err, errlen) ||
        get_num(obj, "gather_s", 1, &rec->gather_s, err, errlen) ||
        get_num(obj, "load_pct", 1, &rec->load_pct, err, errlen) ||
        get_num(obj, "rss_mb", 1, &rec->rss_mb, err, errlen))
        goto out;
    rec->wall_s_min = rec->wall_s_max = rec->wall_s;
    if (get_num(obj, "wall_s_min", 0, &rec->wall_s_min, err, errlen) ||
        get_num(obj, "wall_s_max", 0, &rec->wall_s_max, err, errlen) ||
        get_str(obj, "checksum", NULL, rec->checksum, sizeof rec->checksum, err, errlen) ||
        get_str(obj, "check", NULL, rec->check, sizeof rec->check, err, errlen))
        goto out;
    if (json_object_get(obj, "boundary") && get_int(obj, "boundary", 0, &rec->boundary, err, errlen))
        goto out;
    json_t *hosts = json_object_get(obj, "hosts");
    if (!hosts || !json_is_array(hosts) || json_array_size(hosts) == 0) {
        snprintf(err, errlen, hosts ? "field 'hosts' must be a non-empty array of strings"
                                    : "missing field 'hosts'");
        goto out;
    }
    size_t i, used = 0;
    json_t *h;
    json_array_foreach(hosts, i, h) {
        if (!json_is_string(h)) {
            snprintf(err, errlen, "field 'hosts' must be a non-empty array of strings");
            goto out;
        }
        used += (size_t)snprintf(rec->hosts + used, used < sizeof rec->hosts ? sizeof rec->hosts - used : 0,
                                 "%s%s", i ? "," : "", json_string_value(h));
    }
    if (used >= sizeof rec->hosts) {
        snprintf(err, errlen, "field 'hosts' is too long");
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
            compare_record *grown = realloc(set->records, (size_t)ncap * sizeof *grown);
            if (!grown) {
                free(line);
                fclose(f);
                return -1;
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
    int read_error = ferror(f);
    free(line);
    fclose(f);
    if (read_error) {
        fprintf(errors, "%s: cannot read\n", path);
        return -1;
    }
    return bad;
}

void compare_set_free(compare_set *set)
{
    free(set->records);
    memset(set, 0, sizeof *set);
}

static int same_set(const compare_record *r, const compare_group *g)
{
    return r->rows == g->rows && r->cols == g->cols && r->count == g->count && r->seed == g->seed &&
           strcmp(r->vectors, g->vectors) == 0 && strcmp(r->driver, g->driver) == 0;
}

/* Same configuration, hosts compared only when with_hosts is set. */
static int same_config(const compare_record *r, const compare_row *row, int with_hosts)
{
    return r->ranks == row->ranks && r->threads == row->threads &&
           strcmp(r->thread_mode, row->thread_mode) == 0 &&
           strcmp(r->distribute, row->distribute) == 0 && strcmp(r->engine, row->engine) == 0 &&
           (!with_hosts || strcmp(r->hosts, row->hosts) == 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of n values (sorted in place); the mean of the middle two for even n. */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int cmp_rows(const void *a, const void *b)
{
    const compare_row *x = a, *y = b;
    int c;
    if ((c = strcmp(x->distribute, y->distribute)) || (c = strcmp(x->engine, y->engine)) ||
        (c = strcmp(x->thread_mode, y->thread_mode)))
        return c;
    if (x->threads != y->threads)
        return x->threads - y->threads;
    if (x->ranks != y->ranks)
        return x->ranks - y->ranks;
    return strcmp(x->hosts, y->hosts);
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

/* Fills one group's rows from the records of set that belong to it. */
static int build_group(compare_group *g, const compare_set *set, const compare_base_spec *base)
{
    /* rows: one per distinct configuration */
    g->configs = calloc((size_t)set->n, sizeof *g->configs);
    double *vals = malloc((size_t)set->n * sizeof *vals);
    if (!g->configs || !vals) {
        free(vals);
        return ENOMEM;
    }
    for (int i = 0; i < set->n; i++) {
        const compare_record *r = &set->records[i];
        if (!same_set(r, g))
            continue;
        add_hosts(g, r->hosts);
        int k = 0;
        while (k < g->n_configs && !same_config(r, &g->configs[k], 1))
            k++;
        if (k == g->n_configs) {
            compare_row *row = &g->configs[g->n_configs++];
            row->ranks = r->ranks;
            row->threads = r->threads;
            row->cores = r->ranks * r->threads;
            snprintf(row->thread_mode, sizeof row->thread_mode, "%s", r->thread_mode);
            snprintf(row->distribute, sizeof row->distribute, "%s", r->distribute);
            snprintf(row->engine, sizeof row->engine, "%s", r->engine);
            snprintf(row->hosts, sizeof row->hosts, "%s", r->hosts);
            snprintf(row->checksum, sizeof row->checksum, "%s", r->checksum);
            row->wall_s_min = INFINITY;
        }
        g->configs[k].runs++;
    }
    qsort(g->configs, (size_t)g->n_configs, sizeof *g->configs, cmp_rows);

    /* the reference checksum: the most common, ties to the first seen. A
     * record with boundary > 0 differs from its own launch's first
     * configuration by rounding, so it votes only when no record is exact */
    int exact = 0;
    for (int i = 0; i < set->n; i++)
        exact |= same_set(&set->records[i], g) && set->records[i].boundary == 0;
    int best = 0;
    for (int i = 0; i < set->n; i++) {
        const compare_record *r = &set->records[i];
        if (!same_set(r, g) || (exact && r->boundary > 0))
            continue;
        int votes = 0;
        for (int j = 0; j < set->n; j++) {
            const compare_record *o = &set->records[j];
            votes += same_set(o, g) && !(exact && o->boundary > 0) &&
                     strcmp(o->checksum, r->checksum) == 0;
        }
        if (votes > best) {
            best = votes;
            snprintf(g->checksum, sizeof g->checksum, "%s", r->checksum);
        }
    }

    /* medians over each row's records */
    for (int k = 0; k < g->n_configs; k++) {
        compare_row *row = &g->configs[k];
        row->agree = 1;
        row->wall_s_max = 0.0;
        const size_t offsets[] = {offsetof(compare_record, wall_s), offsetof(compare_record, svd_s),
                                  offsetof(compare_record, transfer_s), offsetof(compare_record, gather_s),
                                  offsetof(compare_record, load_pct), offsetof(compare_record, rss_mb)};
        double *targets[] = {&row->wall_s, &row->svd_s, &row->transfer_s, &row->gather_s,
                             &row->load_pct, &row->rss_mb};
        for (int f = 0; f < 6; f++) {
            int n = 0;
            for (int i = 0; i < set->n; i++) {
                const compare_record *r = &set->records[i];
                if (same_set(r, g) && same_config(r, row, 1))
                    vals[n++] = *(const double *)((const char *)r + offsets[f]);
            }
            *targets[f] = median(vals, n);
        }
        for (int i = 0; i < set->n; i++) {
            const compare_record *r = &set->records[i];
            if (!same_set(r, g) || !same_config(r, row, 1))
                continue;
            row->wall_s_min = fmin(row->wall_s_min, r->wall_s_min);
            row->wall_s_max = fmax(row->wall_s_max, r->wall_s_max);
            /* svdrun compared this record's double sums with its launch's first
             * configuration: PASSED with boundary > 0 means its integers differ
             * only where a sum lies within rounding of an integer */
            if (strcmp(r->check, "PASSED") != 0)
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
    free(vals);

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

int compare_build(const compare_set *set, const compare_base_spec *base, compare_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->groups = calloc((size_t)(set->n ? set->n : 1), sizeof *rep->groups);
    if (!rep->groups)
        return ENOMEM;
    for (int i = 0; i < set->n; i++) {
        const compare_record *r = &set->records[i];
        int g = 0;
        while (g < rep->n && !same_set(r, &rep->groups[g]))
            g++;
        if (g < rep->n)
            continue;
        compare_group *grp = &rep->groups[rep->n++];
        snprintf(grp->name, sizeof grp->name, "%s", r->name);
        grp->rows = r->rows;
        grp->cols = r->cols;
        grp->count = r->count;
        grp->seed = r->seed;
        snprintf(grp->vectors, sizeof grp->vectors, "%s", r->vectors);
        snprintf(grp->driver, sizeof grp->driver, "%s", r->driver);
        if (build_group(grp, set, base) != 0) {
            compare_report_free(rep);
            return ENOMEM;
        }
    }
    return 0;
}

void compare_default_base(compare_base_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ranks = 1;
    spec->threads = 1;
    strcpy(spec->thread_mode, "blas");
    strcpy(spec->distribute, "regenerate");
    strcpy(spec->engine, "lapack");
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

int compare_apply_baseline(compare_report *rep, const compare_set *old, double threshold)
{
    compare_base_spec base;
    compare_default_base(&base);
    compare_report before;
    if (compare_build(old, &base, &before) != 0)
        return -1;
    int regressions = 0;
    for (int g = 0; g < rep->n; g++) {
        compare_group *grp = &rep->groups[g];
        grp->regressions = 0;
        for (int k = 0; k < grp->n_configs; k++) {
            compare_row *row = &grp->configs[k];
            row->verdict = COMPARE_NEW;
            for (int h = 0; h < before.n && row->verdict == COMPARE_NEW; h++) {
                const compare_group *og = &before.groups[h];
                if (og->rows != grp->rows || og->cols != grp->cols || og->count != grp->count ||
                    og->seed != grp->seed || strcmp(og->vectors, grp->vectors) != 0 ||
                    strcmp(og->driver, grp->driver) != 0)
                    continue;
                for (int j = 0; j < og->n_configs; j++) {
                    const compare_row *o = &og->configs[j];
                    if (o->ranks != row->ranks || o->threads != row->threads ||
                        strcmp(o->thread_mode, row->thread_mode) != 0 ||
                        strcmp(o->distribute, row->distribute) != 0 ||
                        strcmp(o->engine, row->engine) != 0 || !(o->wall_s > 0))
                        continue;
                    row->baseline_wall_s = o->wall_s;
                    row->ratio = row->wall_s / o->wall_s;
                    row->verdict = row->ratio > 1.0 + threshold   ? COMPARE_REGRESSION
                                   : row->ratio < 1.0 - threshold ? COMPARE_IMPROVED
                                                                  : COMPARE_SAME;
                    break;
                }
            }
            if (row->verdict == COMPARE_REGRESSION) {
                grp->regressions++;
                regressions++;
            }
        }
    }
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
