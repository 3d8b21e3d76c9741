/* matset: which shape each matrix of a set has: one shape, a list of shape classes, a seeded size distribution, or the runs of an input's files. */
#ifndef SVDRUN_MATSET_H
#define SVDRUN_MATSET_H

#include <stddef.h>
#include <stdint.h>

#define MATSET_CLASSES_MAX 32

/* COUNT matrices of ROWS x COLS, one item of the shapes key. */
typedef struct {
    int64_t rows, cols, count;
} matset_class;

/* What the job file says about mixed shapes: a flat struct (no pointers),
 * part of the broadcast job. Neither given: every matrix has the job's one
 * shape. */
typedef struct {
    int n_classes;                          /* shapes = R x C : N, ...; 0: not given */
    matset_class classes[MATSET_CLASSES_MAX];
    int dist;                               /* 1: size_dist = lognormal:... given */
    double median, sigma;                   /* of the log-normal, before clipping */
    int64_t dist_min, dist_max;             /* sizes are clipped to [min, max] */
} matset_spec;

/* Parses the shapes key: a comma list of ROWSxCOLS:COUNT, each number in
 * [1, max], at most MATSET_CLASSES_MAX items, total count at most max.
 * Returns 0, or -1 with a message naming the item. spec's classes are set,
 * nothing else; spec is unchanged on error. */
int matset_parse_shapes(matset_spec *spec, const char *text, int64_t max, char *err, size_t errlen);

/* Parses size_dist = lognormal:MEDIAN:SIGMA:MIN:MAX (MEDIAN > 0, SIGMA >= 0,
 * 1 <= MIN <= MAX <= max). Returns 0, or -1 with a message; spec is
 * unchanged on error. */
int matset_parse_dist(matset_spec *spec, const char *text, int64_t max, char *err, size_t errlen);

/* The size of matrix k of a size_dist set: Philox4x64-10 keyed (seed, k),
 * block (0, 2, 0, 0) (the per-matrix draw is (0, 1, 0, 0), elements
 * (b, 0, 0, 0)), u0 and u1 its first two outputs as 53-bit doubles in
 * [0, 1); z = sqrt(-2 log(1 - u0)) cos(2 pi u1) (Box-Muller), n = floor(median
 * exp(sigma z) + 0.5), clipped to [min, max]. libm's log, cos and exp:
 * Python's math module gives the same on the same C library. */
int64_t matset_dist_size(const matset_spec *spec, uint64_t seed, int64_t k);

/* Every matrix's shape at run time, the same on every rank. Runs: matrices
 * [first[i], first[i+1]) are rows[i] x cols[i]; a size_dist set computes
 * each size instead. */
typedef struct {
    uint64_t seed;
    int64_t count;
    matset_spec spec;           /* dist only */
    int64_t n_runs;
    int64_t *first;             /* [n_runs + 1]; NULL for a dist set */
    int64_t *rows, *cols;       /* [n_runs] */
    uint8_t *dist_seen;         /* dist: [max - min + 1], 1 for each size drawn */
    int64_t max_rows, max_cols; /* over the set */
    int64_t max_elems;          /* the most elements of one matrix */
    int64_t max_mn;             /* the largest min(rows, cols) */
} matset;

/* The set of a job: its spec's classes, its size_dist (one scan of the
 * draws), or (neither) count matrices of rows x cols. Returns 0 or ENOMEM;
 * free with matset_free. */
int matset_init(matset *set, const matset_spec *spec, uint64_t seed, int64_t count, int64_t rows,
                int64_t cols);

/* A set from runs the caller read (an input's files): n runs of counts[i]
 * matrices of rows[i] x cols[i]. Returns 0 or ENOMEM. */
int matset_init_runs(matset *set, int64_t n, const int64_t *counts, const int64_t *rows,
                     const int64_t *cols);

void matset_free(matset *set);

/* Matrix k's shape. Cannot fail for 0 <= k < count. */
void matset_shape(const matset *set, int64_t k, int64_t *rows, int64_t *cols);

/* Whether every matrix has one shape. */
int matset_uniform(const matset *set);

/* The distinct shapes of the set, as *n pairs (rows, cols) in *shapes
 * (malloc'ed, the caller frees), sorted. Returns 0 or ENOMEM. */
int matset_distinct(const matset *set, int64_t **shapes, int64_t *n);

#endif
