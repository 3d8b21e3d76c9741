/* tune: the --tune race as bookkeeping: the stratified sample, the slices of successive halving, the scores, the vote and the winner (no MPI). */
#ifndef SVDRUN_TUNE_H
#define SVDRUN_TUNE_H

#include <stdint.h>

#include "job.h"
#include "matset.h"
#include "svd.h"

/* Rounds of halving: 2^TUNE_ROUNDS_MAX candidates race at most (a plan has
 * fewer: its lists multiply to at most a few hundred). */
#define TUNE_ROUNDS_MAX 12


/* The matrices to do in the order the race takes them. Each shape class
 * (distinct rows x cols) is in a seeded order of its own, and the classes
 * are interleaved by how far through each one is: matrix j (from 0) of a
 * class of c matrices sits at (j + 0.5) / c. So any window of the order
 * holds every class in proportion to its count, hence to its cost. */
typedef struct {
    int64_t n;          /* matrices to do */
    int64_t *order;     /* [n] their indexes */
    double *cost;       /* [n] their modelled cost, flops (cost_flops) */
    double total;       /* the sum of cost */
    int64_t n_classes;  /* shape classes among them */
    int64_t *class_n;   /* [n_classes] matrices of each */
    double *class_cost; /* [n_classes] their cost */
} tune_sample;

/* Draws the order over the matrices of set that done (NULL: none) does not
 * flag. Each class (an index into the set's sorted distinct shapes) is
 * shuffled from index order by Fisher-Yates: from the top, slot i swaps
 * with the first output of Philox4x64 keyed (seed, class), counter
 * (i, 3, 0, 0), modulo i + 1. The classes then merge by (place + 1/2) /
 * count, ties to the smaller class. Deterministic: the same on every rank.
 * Returns 0 or ENOMEM (s is then empty); free with tune_sample_free. */
int tune_sample_draw(tune_sample *s, const matset *set, const uint8_t *done, uint64_t seed,
                     job_vectors vectors);
void tune_sample_free(tune_sample *s);

/* A candidate's place in the race. */
typedef enum { TUNE_RACING, TUNE_WINNER, TUNE_DROPPED, TUNE_DISAGREES } tune_status;

typedef struct {
    int plan_index;                     /* its configuration in the plan */
    tune_status status;
    int rounds_run;                     /* rounds it ran: 1 .. rounds */
    int dropped_round;                  /* the round after which it left; -1 while in */
    double wall_s[TUNE_ROUNDS_MAX];     /* its wall time on each round's slice */
    double s_per_flop;                  /* its score: the sum of its walls over the sum of its
                                         * slices' cost, every round it ran (the finalists'
                                         * rest on all their runs, not one) */
} tune_candidate;

/* Successive halving over a sample: in round r the candidates still racing
 * run slice r of the order; then the slower half (by time per modelled
 * flop) leaves, keeping max(1, floor(n / 2)), until one remains. */
typedef struct {
    int n;                              /* candidates */
    tune_candidate *cand;               /* [n], in plan order */
    int rounds;
    int64_t bounds[TUNE_ROUNDS_MAX + 1];/* slice r: order[bounds[r] .. bounds[r + 1]) */
    double slice_cost[TUNE_ROUNDS_MAX];
} tune_race;

/* The rounds halving n candidates to one: 0 for n = 1. */
int tune_rounds(int n);

/* Sets up the race of the n configurations plan_index[] over s. Slice r
 * costs c0 2^r, with c0 chosen so that the race, were every candidate as
 * fast as the winner, would cost budget times the whole (the sum over the
 * rounds of candidates times slice cost). But slice 0 holds at least
 * min_slice matrices, and at least per_class of each class that carries a
 * tenth of the cost or more (a slice spans the same share of every class),
 * so that a layout's workers all have work of the kind that dominates;
 * slice r at least 2^r times that. All slices together take at most half
 * of s (they shrink in proportion to fit, down to one matrix each). Returns 0, EINVAL
 * (n < 2, more than 2^TUNE_ROUNDS_MAX candidates or budget not in (0, 1)),
 * ERANGE (s holds fewer matrices than twice the rounds: too few to race) or
 * ENOMEM. Free with tune_race_free. */
int tune_race_init(tune_race *race, const int *plan_index, int n, const tune_sample *s,
                   double budget, int64_t min_slice, int64_t per_class);
void tune_race_free(tune_race *race);

/* Whether candidate i runs in round r (it was racing when r began). */
int tune_runs_in(const tune_race *race, int i, int r);

/* Candidate i ran round r's slice in wall_s seconds: its score is updated. */
void tune_record(tune_race *race, int i, int r, double wall_s);

/* Candidate i's results disagreed with the round's vote: it leaves now. */
void tune_disagree(tune_race *race, int i, int r);

/* Ends round r: of those that ran it and agreed, the slower half leave
 * (ties: the later in plan order); after the last round the one left is
 * the winner. Returns the winner's index, or -1 while the race goes on or
 * when no candidate is left (every one disagreed). */
int tune_end_round(tune_race *race, int r);

/* The vote on one slice: res[i][j] is candidate i's result of the slice's
 * j-th matrix, for the n_res candidates that ran it. A result agrees with
 * another when the integers are equal or differ only by rounding at an
 * integer (verify_boundary, the sweep's rule); a matrix whose LAPACK call
 * failed in either is not compared (it is reported as in a plain run). The
 * reference is the candidate that agrees with the most others (ties: the
 * first); diff_at[i] is set to the first slice position where i differs
 * from it, or -1 when i agrees on every matrix. Returns the reference's
 * index. */
int tune_vote(const svd_result *const *res, int n_res, int64_t m, int64_t *diff_at);

#endif
