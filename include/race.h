/* race: a --tune launch over MPI: the candidates raced on slices of the sample, then the winner on the rest of the set. */
#ifndef SVDRUN_RACE_H
#define SVDRUN_RACE_H

#include <mpi.h>
#include <stdint.h>

#include "job.h"
#include "outcome.h"
#include "plan.h"
#include "run.h"
#include "tune.h"

/* Rank 0 hears of each candidate's run on a slice (the front end prints
 * it); out is that run's outcome. May be NULL. */
typedef void (*race_ran_fn)(void *ctx, const tune_race *race, int cand, int round,
                            const outcome_t *out);

/* A race and what it computed. */
typedef struct {
    tune_sample sample;
    tune_race race;
    int winner;             /* index into race.cand, or -1 */
    double race_s;          /* rank 0: the race's wall time, set-ups and all */
    int64_t computed;       /* matrices the race computed (each once) */
    double computed_cost;   /* their modelled flops */
    uint8_t *done;          /* [count], every rank: computed before the rest (resume, race) */
    svd_result *known;      /* [count], rank 0: their results (the vote's reference) */
    /* the first disagreement (rank 0): a candidate, its round and matrix; -1: none */
    int disagree_cand, disagree_round;
    int64_t disagree_matrix;
    svd_result disagree_got, disagree_want;
} race_state;

/* Collective over MPI_COMM_WORLD. Races the n configurations cands[] (plan
 * indexes) over a sample of what ctl->done leaves (drawn by tune_sample_draw
 * from job->seed): round by round, each candidate still in runs the round's
 * slice (run_config); the first candidate of a round writes the checkpoint
 * and the outputs, so each matrix is logged and written once. Round 0's
 * first candidate runs twice, timed the second time: the launch's first
 * run pays for first touches, thread teams and the libraries' start-up. Rank 0 votes
 * on each slice's results (tune_vote), drops who disagrees, and halves the
 * rest by time per modelled flop; every rank learns the standings.
 * min_slice and per_class are tune_race_init's. Returns the agreed
 * OUTCOME_* status of the runs (OUTCOME_OK with rs->winner set; it is -1
 * only when every candidate disagreed), ENOMEM-like OUTCOME_ENOMEM when the
 * sample could not be drawn, or -ERANGE (every rank alike) when the set is
 * too small to race (nothing was run). rs is freed with race_free. */
int race_run(race_state *rs, const job_t *job, const plan_t *plan, const int *cands, int n,
             double budget, int64_t min_slice, int64_t per_class, const run_control *ctl,
             race_ran_fn ran, void *ran_ctx);

/* Collective over MPI_COMM_WORLD: cfg on every matrix rs->done lacks, with
 * rs->known's results for the rest, so *out holds every matrix's result as
 * run_config's outcome does. rs may be a zeroed state (no race: every
 * matrix but ctl->done's). Returns run_config's status. */
int race_rest(race_state *rs, const job_t *job, const plan_config *cfg, const run_control *ctl,
              outcome_progress_fn progress, void *progress_ctx, outcome_t *out);

void race_free(race_state *rs);

#endif
