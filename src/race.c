/* race: a --tune launch over MPI: the candidates raced on slices of the sample, then the winner on the rest of the set. */
#include "race.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "lazy.h"
#include "sysinfo.h"

void race_free(race_state *rs)
{
    tune_sample_free(&rs->sample);
    tune_race_free(&rs->race);
    free(rs->done);
    free(rs->known);
    memset(rs, 0, sizeof *rs);
}

/* Rank 0 after round r: the vote over the candidates that ran its slice
 * (their results in slice[i], m each), the disagreeing ones out, the
 * reference's results kept in rs->known. Returns 0 or ENOMEM. */
static int vote_round(race_state *rs, int r, svd_result **slice, int64_t m)
{
    tune_race *race = &rs->race;
    const svd_result **res = malloc((size_t)race->n * sizeof *res);
    int *who = malloc((size_t)race->n * sizeof *who);
    int64_t *diff_at = malloc((size_t)race->n * sizeof *diff_at);
    if (!res || !who || !diff_at) {
        free(res);
        free(who);
        free(diff_at);
        return ENOMEM;
    }
    int n_res = 0;
    for (int i = 0; i < race->n; i++)
        if (slice[i])
            res[n_res] = slice[i], who[n_res++] = i;
    int ref = tune_vote(res, n_res, m, diff_at);
    for (int j = 0; j < n_res; j++) {
        int64_t at = diff_at[j];
        if (at < 0)
            continue;
        tune_disagree(race, who[j], r);
        if (rs->disagree_cand < 0) {
            rs->disagree_cand = who[j];
            rs->disagree_round = r;
            rs->disagree_matrix = rs->sample.order[race->bounds[r] + at];
            rs->disagree_got = res[j][at];
            rs->disagree_want = res[ref][at];
        }
    }
    for (int64_t j = 0; j < m; j++)
        rs->known[rs->sample.order[race->bounds[r] + j]] = res[ref][j];
    free(res);
    free(who);
    free(diff_at);
    return 0;
}

/* A run that writes neither the checkpoint nor the outputs: the checkpoint
 * and the outputs take each matrix once, from the round's first run. */
static void leave_no_trace(run_control *ctl)
{
    ctl->ckpt = NULL;
    ctl->outputs = NULL;
    ctl->outputs_open = NULL;
    ctl->mixed_open = NULL;
}

/* One round: every candidate still in runs slice r. Returns an agreed
 * OUTCOME_* status. */
static int run_round(race_state *rs, const job_t *job, const plan_t *plan, int r,
                     const run_control *ctl, race_ran_fn ran, void *ran_ctx, int rank)
{
    tune_race *race = &rs->race;
    int64_t lo = race->bounds[r], m = race->bounds[r + 1] - lo;
    uint8_t *skip = malloc((size_t)job->count);
    svd_result **slice = calloc((size_t)race->n, sizeof *slice);
    int status = skip && slice ? OUTCOME_OK : OUTCOME_ENOMEM;
    status = lazy_agree(status, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    if (status == OUTCOME_OK) {
        memset(skip, 1, (size_t)job->count);
        for (int64_t j = 0; j < m; j++)
            skip[rs->sample.order[lo + j]] = 0;
    }
    int first = 1, ran_here = 0;
    /* odd rounds run in reverse: no candidate always runs first or last */
    for (int at = 0; at < race->n && status == OUTCOME_OK; at++) {
        int i = r % 2 ? race->n - 1 - at : at;
        if (!tune_runs_in(race, i, r))
            continue;
        run_control this_run = *ctl;
        this_run.done = skip;
        this_run.prior = rs->known;
        this_run.idle_sleep_ns = LAZY_MAX_SLEEP_NS;
        if (!first)
            leave_no_trace(&this_run);
        outcome_t out;
        const plan_config *cfg = &plan->configs[race->cand[i].plan_index];
        if (first && r == 0) {
            /* the launch's first run pays for first touches, thread teams and
             * the libraries' start-up: it runs twice, timed the second time */
            status = run_config(job, cfg, &this_run, MPI_COMM_WORLD, NULL, NULL, &out);
            outcome_free(&out);
            leave_no_trace(&this_run);
        }
        first = 0;
        if (status == OUTCOME_OK)
            status = run_config(job, cfg, &this_run, MPI_COMM_WORLD, NULL, NULL, &out);
        else
            memset(&out, 0, sizeof out);
        if (status == OUTCOME_OK && rank == 0) {
            tune_record(race, i, r, out.wall_s);
            if (!(slice[i] = malloc((size_t)(m > 0 ? m : 1) * sizeof *slice[i])))
                status = OUTCOME_ENOMEM;
            for (int64_t j = 0; slice[i] && j < m; j++)
                slice[i][j] = out.results[rs->sample.order[lo + j]];
            /* the test build's planted disagreement: the second runner of round 0 */
            if (slice[i] && r == 0 && ran_here == 1 && m > 0 && fault_here("disagree", 0)) {
                slice[i][0].value += 1;
                slice[i][0].sum += 1;
            }
            if (ran)
                ran(ran_ctx, race, i, r, &out);
        }
        ran_here++;
        outcome_free(&out);
        status = lazy_agree(status, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    }
    if (status == OUTCOME_OK && rank == 0 && vote_round(rs, r, slice, m) != 0)
        status = OUTCOME_ENOMEM;
    status = lazy_agree(status, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    if (status == OUTCOME_OK) {
        for (int64_t j = 0; j < m; j++)
            rs->done[rs->sample.order[lo + j]] = 1;
        rs->computed += m;
        rs->computed_cost += race->slice_cost[r];
    }
    for (int i = 0; i < race->n; i++)
        free(slice[i]);
    free(slice);
    free(skip);
    return status;
}

int race_run(race_state *rs, const job_t *job, const plan_t *plan, const int *cands, int n,
             double budget, int64_t min_slice, int64_t per_class, const run_control *ctl,
             race_ran_fn ran, void *ran_ctx)
{
    memset(rs, 0, sizeof *rs);
    rs->winner = rs->disagree_cand = rs->disagree_round = -1;
    rs->disagree_matrix = -1;
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double t0 = sysinfo_now();
    /* every rank draws the same sample and slices from the same job */
    int rc = tune_sample_draw(&rs->sample, ctl->set, ctl->done, job->seed, job->vectors);
    if (rc == 0)
        rc = tune_race_init(&rs->race, cands, n, &rs->sample, budget, min_slice, per_class);
    rs->done = calloc((size_t)job->count, 1);
    if (rank == 0)
        rs->known = calloc((size_t)job->count, sizeof *rs->known);
    int status = rc == ERANGE ? -ERANGE
                 : rc || !rs->done || (rank == 0 && !rs->known) ? OUTCOME_ENOMEM : OUTCOME_OK;
    status = lazy_agree(status, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    if (status != OUTCOME_OK)
        return status;
    for (int64_t k = 0; ctl->done && k < job->count; k++)
        rs->done[k] = ctl->done[k];
    for (int64_t k = 0; rank == 0 && ctl->done && ctl->prior && k < job->count; k++)
        if (ctl->done[k])
            rs->known[k] = ctl->prior[k];
    for (int r = 0; r < rs->race.rounds && rs->winner < 0 && status == OUTCOME_OK; r++) {
        status = run_round(rs, job, plan, r, ctl, ran, ran_ctx, rank);
        int winner = status == OUTCOME_OK && rank == 0 ? tune_end_round(&rs->race, r) : -1;
        /* the standings are rank 0's: it alone timed the runs */
        if (status == OUTCOME_OK &&
            (lazy_share(0, &winner, sizeof winner, MPI_COMM_WORLD, -1) != 0 ||
             lazy_share(0, rs->race.cand, rs->race.n * (int)sizeof *rs->race.cand, MPI_COMM_WORLD,
                        -1) != 0))
            status = OUTCOME_EMPI;
        rs->winner = winner;
        int left = 0;
        for (int i = 0; i < rs->race.n; i++)
            left += rs->race.cand[i].status == TUNE_RACING || rs->race.cand[i].status == TUNE_WINNER;
        if (left == 0)
            break;      /* every one disagreed: no winner */
    }
    rs->race_s = sysinfo_now() - t0;
    return status;
}

int race_rest(race_state *rs, const job_t *job, const plan_config *cfg, const run_control *ctl,
              outcome_progress_fn progress, void *progress_ctx, outcome_t *out)
{
    run_control rest = *ctl;
    if (rs->done) {
        rest.done = rs->done;
        rest.prior = rs->known;
    }
    return run_config(job, cfg, &rest, MPI_COMM_WORLD, progress, progress_ctx, out);
}
