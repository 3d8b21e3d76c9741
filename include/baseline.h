/* baseline: rows matched with an older history's, each given a ratio and a verdict (--threshold). */
#ifndef SVDRUN_BASELINE_H
#define SVDRUN_BASELINE_H

#include "compare.h"
#include "history.h"

/* Parses --threshold, a plain decimal with an optional %: "5%" or "5" is
 * 0.05. Returns 0, or -1 (threshold untouched). */
int baseline_parse_threshold(const char *text, double *threshold);

/* Fills each row's baseline wall time, ratio and verdict from old, matching
 * matrix set and configuration (compare_cmp_config: a tuned row only a tuned
 * one, a float32 row only a float32 one); hosts are not compared. A row slower than its old one by more than
 * threshold (0.05: 5%) is a regression; each group's regressions are counted.
 * Returns the number of regressions, or -1 when memory runs out (rep then
 * untouched). */
int baseline_apply(compare_report *rep, const history_set *old, double threshold);

#endif
