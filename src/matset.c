/* matset: which shape each matrix of a set has: one shape, a list of shape classes, a seeded size distribution, or the runs of an input's files. */
#include "matset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matgen.h"

/* A whole number in [1, max] at *p, which moves past it. Returns 0 or -1. */
static int read_count(const char **p, int64_t max, int64_t *out)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return -1;
    int64_t v = 0;
    while (isdigit((unsigned char)*s)) {
        if (v > (max - (*s - '0')) / 10)
            return -1;
        v = v * 10 + (*s++ - '0');
    }
    if (v < 1)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int matset_parse_shapes(matset_spec *spec, const char *text, int64_t max, char *err, size_t errlen)
{
    matset_class classes[MATSET_CLASSES_MAX];
    int n = 0;
    int64_t total = 0;
    const char *p = skip_blanks(text);
    if (*p == '\0') {
        snprintf(err, errlen, "empty list, expected ROWSxCOLS:COUNT[, ...]");
        return -1;
    }
    for (;;) {
        const char *item = p;
        size_t item_len = strcspn(item, ",");
        matset_class c;
        if (n == MATSET_CLASSES_MAX) {
            snprintf(err, errlen, "more than %d shape classes", MATSET_CLASSES_MAX);
            return -1;
        }
        if (read_count(&p, max, &c.rows) != 0 || (*p != 'x' && *p != 'X') ||
            (p++, read_count(&p, max, &c.cols)) != 0 || *(p = skip_blanks(p)) != ':' ||
            (p = skip_blanks(p + 1), read_count(&p, max, &c.count)) != 0 ||
            (*(p = skip_blanks(p)) != ',' && *p != '\0')) {
            while (item_len > 0 && (item[item_len - 1] == ' ' || item[item_len - 1] == '\t'))
                item_len--;
            snprintf(err, errlen, "'%.*s' is not ROWSxCOLS:COUNT with each number in 1..%lld",
                     (int)(item_len < 80 ? item_len : 80), item, (long long)max);
            return -1;
        }
        if (c.count > max - total) {
            snprintf(err, errlen, "the counts add up to more than %lld matrices", (long long)max);
            return -1;
        }
        total += c.count;
        classes[n++] = c;
        if (*p == '\0')
            break;
        p = skip_blanks(p + 1);
    }
    spec->n_classes = n;
    memcpy(spec->classes, classes, (size_t)n * sizeof classes[0]);
    return 0;
}

/* A decimal number at *p (strtod's syntax, finite), which moves past it. */
static int read_real(const char **p, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(*p, &end);
    if (end == *p || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    *p = end;
    return 0;
}

int matset_parse_dist(matset_spec *spec, const char *text, int64_t max, char *err, size_t errlen)
{
    const char *p = skip_blanks(text);
    double median, sigma;
    int64_t lo, hi;
    if (strncmp(p, "lognormal:", 10) != 0 || (p += 10, read_real(&p, &median)) != 0 ||
        *p++ != ':' || read_real(&p, &sigma) != 0 || *p++ != ':' ||
        read_count(&p, max, &lo) != 0 || *p++ != ':' || read_count(&p, max, &hi) != 0 ||
        *skip_blanks(p) != '\0') {
        snprintf(err, errlen, "'%s' is not lognormal:MEDIAN:SIGMA:MIN:MAX (e.g. "
                 "lognormal:300:0.8:50:2000; MIN and MAX whole numbers in 1..%lld)",
                 text, (long long)max);
        return -1;
    }
    if (!(median > 0) || !(sigma >= 0) || lo > hi) {
        snprintf(err, errlen, "'%s': MEDIAN must be > 0, SIGMA >= 0 and MIN <= MAX", text);
        return -1;
    }
    spec->dist = 1;
    spec->median = median;
    spec->sigma = sigma;
    spec->dist_min = lo;
    spec->dist_max = hi;
    return 0;
}

int64_t matset_dist_size(const matset_spec *spec, uint64_t seed, int64_t k)
{
    const uint64_t key[2] = {seed, (uint64_t)k};
    const uint64_t ctr[4] = {0, 2, 0, 0};
    uint64_t out[4];
    matgen_philox4x64(ctr, key, out);
    double u0 = (double)(out[0] >> 11) * (1.0 / 9007199254740992.0);
    double u1 = (double)(out[1] >> 11) * (1.0 / 9007199254740992.0);
    double z = sqrt(-2.0 * log(1.0 - u0)) * cos(2.0 * M_PI * u1);
    double n = floor(spec->median * exp(spec->sigma * z) + 0.5);
    if (!(n >= (double)spec->dist_min))
        return spec->dist_min;
    if (n > (double)spec->dist_max)
        return spec->dist_max;
    return (int64_t)n;
}

/* The maxima over the shapes seen so far, with one more. */
static void widen(matset *set, int64_t r, int64_t c)
{
    int64_t mn = r < c ? r : c;
    if (r > set->max_rows)
        set->max_rows = r;
    if (c > set->max_cols)
        set->max_cols = c;
    if (r * c > set->max_elems)
        set->max_elems = r * c;
    if (mn > set->max_mn)
        set->max_mn = mn;
}

int matset_init_runs(matset *set, int64_t n, const int64_t *counts, const int64_t *rows,
                     const int64_t *cols)
{
    memset(set, 0, sizeof *set);
    set->first = malloc((size_t)(n + 1) * sizeof *set->first);
    set->rows = malloc((size_t)(n > 0 ? n : 1) * sizeof *set->rows);
    set->cols = malloc((size_t)(n > 0 ? n : 1) * sizeof *set->cols);
    if (!set->first || !set->rows || !set->cols) {
        matset_free(set);
        return ENOMEM;
    }
    set->n_runs = n;
    set->first[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        set->first[i + 1] = set->first[i] + counts[i];
        set->rows[i] = rows[i];
        set->cols[i] = cols[i];
        widen(set, rows[i], cols[i]);
    }
    set->count = set->first[n];
    return 0;
}

int matset_init(matset *set, const matset_spec *spec, uint64_t seed, int64_t count, int64_t rows,
                int64_t cols)
{
    if (spec->dist) {
        memset(set, 0, sizeof *set);
        set->spec = *spec;
        set->seed = seed;
        set->count = count;
        /* the clip bounds the sizes; the set may not reach them: one scan
         * finds the largest and every size drawn */
        if (!(set->dist_seen = calloc((size_t)(spec->dist_max - spec->dist_min + 1), 1)))
            return ENOMEM;
        for (int64_t k = 0; k < count; k++) {
            int64_t s = matset_dist_size(spec, seed, k);
            set->dist_seen[s - spec->dist_min] = 1;
            widen(set, s, s);
        }
        return 0;
    }
    if (spec->n_classes == 0)
        return matset_init_runs(set, 1, &count, &rows, &cols);
    int64_t counts[MATSET_CLASSES_MAX], r[MATSET_CLASSES_MAX], c[MATSET_CLASSES_MAX];
    for (int i = 0; i < spec->n_classes; i++) {
        counts[i] = spec->classes[i].count;
        r[i] = spec->classes[i].rows;
        c[i] = spec->classes[i].cols;
    }
    int rc = matset_init_runs(set, spec->n_classes, counts, r, c);
    set->seed = seed;
    return rc;
}

void matset_free(matset *set)
{
    free(set->first);
    free(set->rows);
    free(set->cols);
    free(set->dist_seen);
    memset(set, 0, sizeof *set);
}

void matset_shape(const matset *set, int64_t k, int64_t *rows, int64_t *cols)
{
    if (!set->first) {
        *rows = *cols = matset_dist_size(&set->spec, set->seed, k);
        return;
    }
    int64_t lo = 0, hi = set->n_runs - 1;   /* the last run whose first <= k */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (set->first[mid] <= k)
            lo = mid;
        else
            hi = mid - 1;
    }
    *rows = set->rows[lo];
    *cols = set->cols[lo];
}

int matset_uniform(const matset *set)
{
    if (!set->first)
        return set->spec.dist_min == set->spec.dist_max || set->count <= 1;
    for (int64_t i = 1; i < set->n_runs; i++)
        if (set->rows[i] != set->rows[0] || set->cols[i] != set->cols[0])
            return 0;
    return 1;
}

static int cmp_pair(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : 0;
}

int matset_distinct(const matset *set, int64_t **shapes, int64_t *n)
{
    int64_t cap = set->first ? set->n_runs : set->spec.dist_max - set->spec.dist_min + 1;
    int64_t *s = malloc((size_t)(cap > 0 ? cap : 1) * 2 * sizeof *s);
    if (!s)
        return ENOMEM;
    int64_t m = 0;
    for (int64_t i = 0; i < cap; i++) {
        if (set->first && set->first[i + 1] > set->first[i]) {
            s[2 * m] = set->rows[i];
            s[2 * m + 1] = set->cols[i];
            m++;
        } else if (!set->first && set->dist_seen[i]) {
            s[2 * m] = s[2 * m + 1] = set->spec.dist_min + i;
            m++;
        }
    }
    qsort(s, (size_t)m, 2 * sizeof *s, cmp_pair);
    int64_t u = 0;
    for (int64_t i = 0; i < m; i++)
        if (u == 0 || cmp_pair(&s[2 * i], &s[2 * (u - 1)]) != 0) {
            s[2 * u] = s[2 * i];
            s[2 * u + 1] = s[2 * i + 1];
            u++;
        }
    *shapes = s;
    *n = u;
    return 0;
}
