/* history: svdrun's JSON Lines records read back from files, each line validated (svdreport). */
#ifndef SVDRUN_HISTORY_H
#define SVDRUN_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dtype.h"
#include "tunerec.h"

#define HISTORY_TEXT 256

/* One svdrun --json line. */
typedef struct {
    char file[HISTORY_TEXT];
    int line;
    char name[64];
    int64_t rows, cols, count;
    uint64_t seed;
    char vectors[16], driver[16];
    int ranks, threads;
    char thread_mode[16], distribute[16];
    char engine[48];                /* "lapack", "lapack/twostage" (kernel twostage), or
                                     * "scalapack 1x2/64" with grid and block */
    char hosts[HISTORY_TEXT];       /* joined with "," */
    double wall_s, wall_s_min, wall_s_max, svd_s, transfer_s, gather_s, load_pct, rss_mb;
    char checksum[32], check[16];
    int64_t boundary;               /* integers svdrun found off its first configuration's
                                     * only by rounding at an integer; 0 when absent */
    char schedule[16];              /* "static", "cost", "dynamic"; "static" when absent */
    char kernels[64];               /* kernel_matrices, where it says more than the engine
                                     * label (kernel auto, or a fixed kernel that handed
                                     * shapes to LAPACK): "jacobi 25, lapack 11", largest
                                     * first; "" otherwise or when absent */
    char *set;                      /* a mixed set's spec ("2000x2000:2,1000x300:16"), or
                                     * NULL when null or absent (one shape); owned */
    int balance;                    /* 1: makespan_s and lb_s are present (svdrun >= the
                                     * schedules); the fields below are then read */
    int64_t workers;                /* 0 when absent */
    double makespan_s, lb_s;        /* seconds */
    double makespan_over_lb;        /* NAN when absent */
    double cpu_max_over_mean;       /* NAN when absent */
    char lb_bound[8];               /* "sum" or "max"; "" when absent */
    int n_rank_s;                   /* entries of rank_busy_s and rank_loop_s: ranks, or 0 */
    double *rank_busy_s;            /* [n_rank_s], then rank_loop_s in the same allocation;
                                     * NULL when n_rank_s is 0; owned */
    double *rank_loop_s;
    dtype_t dtype;                  /* the precision; float64 when absent (older records) */
    double sigma_err;               /* a single-precision configuration measured against
                                     * sigma_err_ref: max |sigma - sigma_ref| / sigma_max;
                                     * NAN when absent or null */
    double sigma_err_over_bound;    /* that error over its bound (above 1: FAILED); NAN
                                     * with sigma_err */
    dtype_t sigma_err_ref;          /* the dtype it was measured against; with sigma_err */
    int tuned;                      /* 1: a tuned launch's one record (svdrun --tune), its
                                     * wall time the race and the rest; 0 when absent */
    tunerec_info tune;              /* its tuning, when tuned; zero otherwise */
} history_record;

/* The records of any number of files, in the order of their lines. */
typedef struct {
    int n, cap;
    history_record *records;
} history_set;

/* Parses one line into rec (whose earlier contents are not freed). What rec
 * then owns (set, rank_busy_s) goes with history_record_free.
 * Returns 0; -1 with a message naming the bad field (or "unknown schema
 * version N") in err, rec then owning nothing; or ENOMEM, err saying "out of
 * memory", rec owning nothing. */
int history_parse_line(const char *text, history_record *rec, char *err, size_t errlen);

/* Appends the valid records of path to set. Each bad line is reported on
 * errors as "path:line: message" and skipped; blank lines are ignored.
 * Returns the number of bad lines, -1 when the file cannot be read (said on
 * errors as "path: reason"), or -ENOMEM when memory runs out (not said). */
int history_read_file(const char *path, history_set *set, FILE *errors);

/* Frees what rec owns and sets those fields to NULL. Cannot fail. */
void history_record_free(history_record *rec);

/* Frees the records and empties set. Cannot fail. */
void history_set_free(history_set *set);

#endif
