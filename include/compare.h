/* compare: records grouped and summarised: medians, speedups, agreement, the recommended rows. */
#ifndef SVDRUN_COMPARE_H
#define SVDRUN_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "baserow.h"
#include "dtype.h"
#include "history.h"

/* A row's hosts are its first record's; a group's, every host seen. */
#define COMPARE_TEXT HISTORY_TEXT

/* A row's verdict against a baseline (see baseline_apply). */
typedef enum { COMPARE_NO_BASELINE, COMPARE_NEW, COMPARE_SAME, COMPARE_IMPROVED, COMPARE_REGRESSION } compare_verdict;

/* One configuration of one matrix set, summarised over its records (runs). */
typedef struct {
    int ranks, threads, cores, runs;
    char thread_mode[16], distribute[16], engine[48], hosts[COMPARE_TEXT];
    char schedule[16];       /* "static" for records without the field */
    dtype_t dtype;           /* float64 for records without the field */
    double sigma_err, sigma_err_over_bound;    /* the largest of its records' (its worst
                                                * run); NAN when none carries them */
    dtype_t sigma_err_ref;   /* what sigma_err was measured against: its first record's
                              * with one; valid with sigma_err */
    const history_record *detail;   /* the record the balance figures come from: of those
                                     * with them, the one whose wall time is closest to the
                                     * row's median (the first in the files on a tie); NULL
                                     * when none has them. Points into the history_set,
                                     * valid while it is */
    int tuned;                      /* a tuned launch (svdrun --tune): its wall time is the
                                     * race and the rest; never the base row */
    const history_record *tune_run; /* a tuned row's record its tuning figures come from,
                                     * as detail's but of all its records; NULL when plain */
    double wall_s, wall_s_min, wall_s_max;          /* median, min, max */
    double svd_s, transfer_s, gather_s, load_pct, rss_mb;   /* medians */
    double speedup, efficiency;                     /* NAN without a base row */
    double transfer_pct;
    char checksum[32];       /* of its first record */
    int agree;               /* every record PASSED and has the group's checksum of its
                              * dtype, or another one only by rounding (see rounding) */
    int rounding;            /* records with another checksum that svdrun PASSED with
                              * boundary > 0: integers off only at an integer */
    double baseline_wall_s, ratio;                  /* NAN without a baseline row */
    compare_verdict verdict;
} compare_row;

typedef struct {
    char name[64];
    int64_t rows, cols, count;       /* rows and cols 0 for a mixed set */
    uint64_t seed;
    char vectors[16], driver[16];
    char *set;                       /* a mixed set's spec, NULL for one shape; owned */
    int balance;                     /* rows with a schedule other than static or with the
                                      * balance figures: the tables then show them */
    int tuned;                       /* tuned rows: the tables then say so */
    char hosts[COMPARE_TEXT];        /* every host seen in the group */
    char checksum[DTYPE_COUNT][32];  /* each dtype's reference: the most common among its
                                      * records with boundary 0 (all of them when none
                                      * has); "" for a dtype without records. Results
                                      * are alike only within one dtype */
    dtype_t dtype;                   /* the group's own dtype: float64 when it has float64
                                      * rows, else the first in svdrun's order; the
                                      * default base row's */
    int dtypes;                      /* how many dtypes its rows have */
    int typed;                       /* rows of a dtype other than float64: the text and
                                      * Markdown tables then show a dtype column */
    int sigma;                       /* rows with a sigma_err: the tables then show it */
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

/* Groups set into rep: rows sorted by distribute, engine, thread mode,
 * threads, ranks, schedule (static, cost, dynamic, then others by name),
 * dtype (svdrun's order), plain before tuned, hosts; base (never a tuned
 * row; in the group's dtype unless base names one), speedups (against the
 * base, whatever a row's dtype), agreement (each row against its dtype's
 * reference) and recommendation filled (only rows that agree are
 * recommended, unless none does; a tuned row may be); each
 * row's verdict COMPARE_NO_BASELINE, its baseline wall time and ratio NAN.
 * Returns 0 or ENOMEM (rep then empty). */
int compare_build(const history_set *set, const baserow_spec *base, compare_report *rep);

/* The order of matrix sets, the groups' key: rows, cols, count, seed,
 * vectors, driver, set (NULL first). Returns <0, 0 or >0, as strcmp; cannot fail. */
int compare_cmp_set(const compare_group *a, const compare_group *b);

/* The table's order of configurations, hosts not compared: distribute,
 * engine, thread mode, threads, ranks, schedule, dtype, plain before tuned.
 * Returns <0, 0 or >0, as strcmp; cannot fail. */
int compare_cmp_config(const compare_row *a, const compare_row *b);

/* Frees the groups and empties rep. Cannot fail. */
void compare_report_free(compare_report *rep);

/* "new", "same", "improved", "regression", or "" for COMPARE_NO_BASELINE.
 * Cannot fail. */
const char *compare_verdict_name(compare_verdict v);

#endif
