/* tunerep: a --tune launch in words and JSON: the race table, the winner's figures, what a launch cannot change, and the record's tune fields. */
#ifndef SVDRUN_TUNEREP_H
#define SVDRUN_TUNEREP_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "plan.h"
#include "sysinfo.h"
#include "tune.h"

/* Where the winner came from. */
typedef enum {
    TUNEREP_RACE,       /* a race on this launch */
    TUNEREP_DB,         /* the tuning database */
    TUNEREP_RESUMED,    /* the checkpoint's note of an earlier launch's race */
    TUNEREP_ONE,        /* a single candidate: nothing to race */
    TUNEREP_SMALL       /* too few matrices to race: the first candidate */
} tunerep_source;

/* What the front end knows of a tuned launch (rank 0). */
typedef struct {
    tunerep_source source;
    const plan_t *plan;
    const char *const *labels;      /* [n_cands] the candidates' labels */
    const int *cands;               /* [n_cands] their plan indexes */
    int n_cands;
    const tune_race *race;          /* TUNEREP_RACE: the standings; else NULL */
    const tune_sample *sample;      /* TUNEREP_RACE: the order and its cost */
    int winner;                     /* index into cands */
    double budget;                  /* the race's share, 0..1 */
    double race_s;                  /* the race's wall, set-ups and all */
    int64_t computed;               /* matrices the race computed */
    double computed_cost;           /* their modelled flops */
    double rest_s;                  /* the winner's wall on the rest */
    double launch_s;                /* race + rest, set-ups and all */
} tunerep_t;

/* Candidate i's predicted full-set seconds (its score, time per modelled
 * flop, times the sample's cost), or -1 when it never ran. */
double tunerep_predicted(const tunerep_t *t, int i);

/* The race's time beyond what the winner would have spent on the matrices
 * the race computed: the cost of tuning. */
double tunerep_overhead_s(const tunerep_t *t);

/* The race as a table: each candidate's time per modelled Gflop, rounds,
 * where it left, its predicted full-set time; then the skipped ones of the
 * plan with their reason. */
void tunerep_table(FILE *out, const tunerep_t *t);

/* The winner: predicted against actual, and the overhead's share. */
void tunerep_summary(FILE *out, const tunerep_t *t);

/* What this launch could not change for the winner: ranks launched but
 * idle, a binding narrower than its threads, the wait policy chosen for
 * another candidate; then the flags that run the winner alone. ranks[] are
 * the launch's n_ranks ranks. Returns the number of hints printed. */
int tunerep_hints(FILE *out, const plan_config *winner, const sysinfo_rank *ranks, int n_ranks);

/* Adds the tune fields and the race (docs/json-records.md) to rec.
 * Returns 0 or -1 (no memory). */
int tunerep_json(json_t *rec, const tunerep_t *t);

#endif
