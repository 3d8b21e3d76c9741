/* compare: svdrun JSON records grouped by matrix set and configuration, with speedups, agreement, recommendations and baselines. */
#ifndef SVDRUN_COMPARE_H
#define SVDRUN_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define COMPARE_TEXT 256

/* One svdrun --json line. */
typedef struct {
    char file[COMPARE_TEXT];
    int line;
    char name[64];
    int64_t rows, cols, count;
    uint64_t seed;
    char vectors[16], driver[16];
    int ranks, threads;
    char thread_mode[16], distribute[16];
    char engine[48];                /* "lapack", "lapack/twostage" (kernel twostage), or
                                     * "scalapack 1x2/64" with grid and block */
    char hosts[COMPARE_TEXT];       /* joined with "," */
    double wall_s, wall_s_min, wall_s_max, svd_s, transfer_s, gather_s, load_pct, rss_mb;
    char checksum[32], check[16];
    int64_t boundary;               /* integers svdrun found off its first configuration's
                                     * only by rounding at an integer; 0 when absent */
} compare_record;

typedef struct {
    int n, cap;
    compare_record *records;
} compare_set;

/* Parses one line. Returns 0, or -1 with a message naming the bad field (or
 * "unknown schema version N") in err. */
int compare_parse_line(const char *text, compare_record *rec, char *err, size_t errlen);

/* Appends the valid records of path to set. Each bad line is reported on
 * errors as "path:line: message" and skipped; blank lines are ignored.
 * Returns the number of bad lines, -1 when the file cannot be read (said on
 * errors as "path: reason"), or -ENOMEM when memory runs out (not said). */
int compare_read_file(const char *path, compare_set *set, FILE *errors);

void compare_set_free(compare_set *set);

typedef enum { COMPARE_NO_BASELINE, COMPARE_NEW, COMPARE_SAME, COMPARE_IMPROVED, COMPARE_REGRESSION } compare_verdict;

/* One configuration of one matrix set, summarised over its records (runs). */
typedef struct {
    int ranks, threads, cores, runs;
    char thread_mode[16], distribute[16], engine[48], hosts[COMPARE_TEXT];
    double wall_s, wall_s_min, wall_s_max;          /* median, min, max */
    double svd_s, transfer_s, gather_s, load_pct, rss_mb;   /* medians */
    double speedup, efficiency;                     /* NAN without a base row */
    double transfer_pct;
    char checksum[32];       /* of its first record */
    int agree;               /* every record PASSED and has the group's checksum, or
                                * another one only by rounding (see rounding) */
    int rounding;            /* records with another checksum that svdrun PASSED with
                              * boundary > 0: integers off only at an integer */
    double baseline_wall_s, ratio;                  /* NAN without a baseline row */
    compare_verdict verdict;
} compare_row;

typedef struct {
    char name[64];
    int64_t rows, cols, count;
    uint64_t seed;
    char vectors[16], driver[16];
    char hosts[COMPARE_TEXT];        /* every host seen in the group */
    char checksum[32];               /* the reference: the most common among records
                                      * with boundary 0 (all records when none has) */
    int n_configs;
    compare_row *configs;
    int base, fastest, cheapest;     /* indices into configs; base -1 when none */
    int disagree;                    /* rows that do not agree */
    int rounding;                    /* rows that agree only by rounding */
    int regressions;
} compare_group;

typedef struct {
    int n;
    compare_group *groups;
} compare_report;

/* Which row speedups are measured against; 0 or "" means any value. */
typedef struct {
    int ranks, threads;
    char thread_mode[16], distribute[16], engine[48];
} compare_base_spec;

/* Parses "ranks=2,threads=1,thread_mode=blas". Returns 0 or -1 with a message. */
int compare_parse_base(const char *text, compare_base_spec *spec, char *err, size_t errlen);

/* The default base: ranks=1, threads=1, preferring blas/regenerate/lapack. */
void compare_default_base(compare_base_spec *spec);

/* Groups set into rep: rows sorted by distribute, engine, thread mode,
 * threads, ranks, hosts; base, speedups, agreement and recommendation
 * filled (only rows that agree are recommended, unless none does).
 * Returns 0 or ENOMEM. */
int compare_build(const compare_set *set, const compare_base_spec *base, compare_report *rep);

/* Parses a threshold, a plain decimal with an optional %: "5%" or "5" is
 * 0.05. Returns 0 or -1. */
int compare_parse_threshold(const char *text, double *threshold);

/* Fills each row's baseline wall time, ratio and verdict from old, matching
 * matrix set and (ranks, threads, thread mode, distribute, engine); hosts are
 * not compared. Returns the number of regressions, or -1 on ENOMEM. */
int compare_apply_baseline(compare_report *rep, const compare_set *old, double threshold);

void compare_report_free(compare_report *rep);

const char *compare_verdict_name(compare_verdict v);

#endif
