/* baseline: rows matched with an older history's, each given a ratio and a verdict (--threshold). */
#include "baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baserow.h"
#include "fault.h"

int baseline_parse_threshold(const char *text, double *threshold)
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
    int c = compare_cmp_set(x->g, y->g);
    return c ? c : compare_cmp_config(x->row, y->row);
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

int baseline_apply(compare_report *rep, const history_set *old, double threshold)
{
    baserow_spec base;
    baserow_default(&base);
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
