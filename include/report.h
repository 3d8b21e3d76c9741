/* report: the human table, JSON Lines records, results files and the result checks. */
#ifndef SVDRUN_REPORT_H
#define SVDRUN_REPORT_H

#include <stdio.h>
#include <stdint.h>
#include "job.h"
#include "plan.h"
#include "run.h"
#include "svd.h"
#include "sysinfo.h"
#include "tunerep.h"

typedef enum { REPORT_PASSED, REPORT_FAILED, REPORT_SKIPPED } report_check;

/* One configuration, summarised over its repeats. */
typedef struct {
    const plan_config *cfg;
    int repeats;
    double wall_s, wall_s_min, wall_s_max;   /* median, min, max over repeats */
    double svd_s;        /* slowest rank's SVD time (median run) */
    double transfer_s;   /* slowest rank's transfer time */
    double gen_s;        /* slowest rank's generation time */
    double gather_s;     /* rank 0's gather time */
    double setup_s;      /* slowest rank's scalapack grid set-up, outside wall_s */
    double imbalance;    /* slowest over mean rank SVD time, minus 1 */
    double overhead;     /* (wall - slowest rank's SVD time) / wall */
    double load_pct;     /* CPU time of all ranks over wall time, in % */
    double rss_mb;       /* largest peak RSS of any rank */
    double speedup, efficiency;
    uint64_t checksum;
    report_check check;
    int64_t boundary;    /* integers that differ only by rounding at an integer */
    /* measured against the double precision of its field (report_cross):
     * max |sigma - sigma_ref| / sigma_max over the probed matrices, -1 when
     * not measured; its largest ratio to the bound (probe_tolerance); sums
     * beyond verify_cross_rtol */
    double sigma_err, sigma_err_over_bound;
    int64_t cross_beyond;
    int64_t n_failed;    /* matrices with LAPACK info != 0 */
    int twostage_nb;     /* the band width kernel twostage used; 0 when LAPACK ran */
    double by_kernel[3]; /* matrices lapack, twostage and jacobi computed (all ranks) */
    /* balance, from the median run (outcome_balance) */
    outcome_balance balance;
    double makespan_over_lb;
    double cpu_max_over_mean;    /* the ranks' busy thread-CPU: the largest over the mean */
    double grabs;                /* dynamic: chunks taken, all ranks */
    double grab_median_s;        /* the median of the ranks' medians */
    double grab_p99_s;           /* the largest of the ranks' 99th percentiles */
    double grab_share;           /* all grabs' time over workers x makespan */
    const outcome_stats *ranks;  /* the median run's, [cfg->ranks]; valid while outcomes are */
} report_row;

/* Fills row from the repeats of one configuration (the median run's details).
 * outcomes[] are rank 0's; ref is the first results of the configuration's
 * dtype, or NULL when this is that first (its repeats are then checked
 * against each other), compared within verify_rtol of the dtype.
 * Speedup is ref_wall_s over this wall time, efficiency that over the ratio
 * of cores (ranks x threads) to ref_cores; both 1 when ref_wall_s is 0. A matrix
 * whose LAPACK call failed makes the check FAILED. repeats is 1 to
 * JOB_REPEAT_MAX. Cannot fail. */
void report_summarise(report_row *row, const plan_config *cfg, const job_t *job,
                      const outcome_t *outcomes, int repeats,
                      const svd_result *ref, double ref_wall_s, int ref_cores);

/* Measures a single-precision row against wide, the first run of its
 * field's double precision (both with probes): row->sigma_err and its ratio
 * to the bound, and each matrix's sum within verify_cross_rtol of its
 * shape; beyond either makes the check FAILED. set gives the shapes.
 * Cannot fail. */
void report_cross(report_row *row, const job_t *job, const matset *set, const outcome_t *wide,
                  const outcome_t *got);

/* The line above a dtype's rows: what they are checked and measured against. */
void report_dtype_line(FILE *out, const job_t *job, dtype_t dtype);

void report_table_head(FILE *out);
void report_table_row(FILE *out, const report_row *row);
void report_skipped_row(FILE *out, const plan_config *cfg);

/* The seed's lines: results, duration, speedup. */
void report_seed_lines(FILE *out, const report_row *row, const svd_result *res, int64_t count);

/* Matrix indices whose LAPACK call failed, one line each. */
void report_failures(FILE *out, const svd_result *res, int64_t count);

void report_summary(FILE *out, int passed, int failed, int skipped);

/* Appends one JSON object (one line) for row to path with a single write;
 * with tune (a --tune launch's record; NULL for a sweep's) its fields and
 * the race too. Returns 0, or -1 with "path: reason" in err. */
int report_json_append(const char *path, const job_t *job, const report_row *row,
                       const sysinfo_rank *ranks, int nranks, const char *mpi_version,
                       const tunerep_t *tune, char *err, size_t errlen);

/* The end of a launch's report (rank 0): with res (NULL after a failure)
 * the --results file (results_path may be NULL); unless stopped the
 * "N passed, N failed, N skipped" line; then stdout flushed, since a table
 * lost to a full disk is a failure. Returns 0, or -1 with the first
 * problem in err. */
int report_finish(FILE *out, const char *results_path, const svd_result *res, int64_t count,
                  int passed, int failed, int skipped, int stopped, char *err, size_t errlen);

int report_results_write(const char *path, const svd_result *res, int64_t count,
                         char *err, size_t errlen);

/* Progress on stderr, one line redrawn: matrices done, elapsed, ETA. */
typedef struct {
    int enabled;
    double start;
    double last_draw;
    const char *label;
} report_progress;

void report_progress_start(report_progress *p, int enabled, const char *label);
void report_progress_update(void *p, int64_t done, int64_t total);
void report_progress_end(report_progress *p);

#endif
