/* stats: the median of a few timings, as every summary of repeated runs takes it. */
#ifndef SVDRUN_STATS_H
#define SVDRUN_STATS_H

/* Sorts v[0..n) ascending in place, so v[0] and v[n-1] are then the min and
 * max, and returns the median: the middle value, or the mean of the middle
 * two for even n. n must be at least 1. Cannot fail. */
double stats_median(double *v, int n);

#endif
