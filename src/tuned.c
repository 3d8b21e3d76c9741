/* tuned: the front end of a --tune launch: where the winner comes from, the race and its table, the rest of the set, the record and the hints. */
#include "tuned.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "jacobi.h"
#include "lazy.h"
#include "log.h"
#include "race.h"
#include "record.h"
#include "report.h"
#include "stop.h"
#include "tunedb.h"
#include "tunerep.h"

#define LABEL_MAX 96

/* The candidates: the plan's runnable configurations, with their labels. */
typedef struct {
    int n;
    int *index;                 /* [n] plan indexes */
    char (*label)[LABEL_MAX];   /* [n] */
    const char **names;         /* [n] pointers into label */
} candidates;

static void candidates_free(candidates *c)
{
    free(c->index);
    free(c->label);
    free(c->names);
    memset(c, 0, sizeof *c);
}

static int candidates_of(const plan_t *plan, candidates *c)
{
    memset(c, 0, sizeof *c);
    size_t cap = (size_t)(plan->n > 0 ? plan->n : 1);
    c->index = malloc(cap * sizeof *c->index);
    c->label = malloc(cap * sizeof *c->label);
    c->names = malloc(cap * sizeof *c->names);
    if (!c->index || !c->label || !c->names) {
        candidates_free(c);
        return ENOMEM;
    }
    for (int p = 0; p < plan->n; p++) {
        const plan_config *cfg = &plan->configs[p];
        if (cfg->skipped)
            continue;
        record_label(c->label[c->n], LABEL_MAX, cfg->ranks, cfg->threads,
                     job_thread_mode_name(cfg->mode), job_distribute_name(cfg->distribute),
                     job_engine_name(cfg->engine), job_kernel_name(cfg->kernel),
                     job_schedule_name(cfg->schedule), dtype_name(cfg->dtype));
        c->names[c->n] = c->label[c->n];
        c->index[c->n++] = p;
    }
    return 0;
}

static int find_label(const candidates *c, const char *label)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->label[i], label) == 0)
            return i;
    return -1;
}

/* Rank 0: where the winner comes from, before any race. Returns the exit
 * code; *source and *winner are set when it is 0. */
static int choose_source(const tuned_launch_t *l, const candidates *c, const tunedb_key *key,
                         tunerep_source *source, int *winner)
{
    char label[256], when[64], err[JOB_PATH_MAX + 128];
    *source = TUNEREP_RACE;
    *winner = -1;
    if (l->opt->resume) {
        int rc = tunedb_read_winner(l->opt->checkpoint_dir, label, sizeof label, err, sizeof err);
        if (rc < 0) {
            log_msg(LOG_ERROR, "--resume: %s", err);
            return CLI_EXIT_RUNTIME;
        }
        if (rc == 1 && (*winner = find_label(c, label)) < 0) {
            log_msg(LOG_ERROR, "--resume: %s/tune-winner names '%s', which is not one of this "
                    "launch's candidates (resume with the same job, flags and ranks)",
                    l->opt->checkpoint_dir, label);
            return CLI_EXIT_USAGE;
        }
        if (rc == 1) {
            *source = TUNEREP_RESUMED;
            return CLI_EXIT_OK;
        }
    }
    if (c->n == 1) {
        *source = TUNEREP_ONE;
        *winner = 0;
        return CLI_EXIT_OK;
    }
    if (l->opt->tune_db && l->job->tune == JOB_TUNE_ON) {
        int bad, bad_line;
        int rc = tunedb_lookup(l->opt->tune_db, key, label, sizeof label, when, sizeof when, &bad,
                               &bad_line, err, sizeof err);
        if (rc < 0) {
            log_msg(LOG_ERROR, "--tune-db: %s", err);
            return CLI_EXIT_RUNTIME;
        }
        if (bad)
            log_msg(LOG_WARNING, "--tune-db: %s:%d: not a tuning record (%d such line(s) "
                    "skipped)", l->opt->tune_db, bad_line, bad);
        if (rc == 1 && (*winner = find_label(c, label)) >= 0) {
            *source = TUNEREP_DB;
            printf("tune: %s knows this host, libraries, set and candidates (recorded %s): "
                   "winner %s; no race (--tune=force races anyway)\n",
                   l->opt->tune_db, when, label);
        }
    }
    return CLI_EXIT_OK;
}

/* The least of round 0's slice: two matrices per worker of the widest
 * candidate, each a whole Jacobi pack where a candidate may pack them (in
 * all, *least), and two per worker of each costly shape class
 * (*per_class), so that every layout can show its speed on the work that
 * dominates. */
static void least_slice(const tuned_launch_t *l, const candidates *c, int64_t *least,
                        int64_t *per_class)
{
    int widest = 1, packs = 0;
    for (int i = 0; i < c->n; i++) {
        const plan_config *cfg = &l->plan->configs[c->index[i]];
        int workers = cfg->ranks * cfg->threads;
        widest = workers > widest ? workers : widest;
        packs |= cfg->engine == JOB_ENGINE_LAPACK &&
                 (cfg->kernel == JOB_KERNEL_JACOBI || cfg->kernel == JOB_KERNEL_AUTO);
    }
    int small = l->ctl->set->max_rows <= JACOBI_MAX_N && l->ctl->set->max_cols <= JACOBI_MAX_N;
    *least = 2 * (int64_t)widest * (packs && small ? JACOBI_LANES : 1);
    *per_class = 2 * (int64_t)widest;
}

/* A line per candidate's run on a slice (rank 0). */
typedef struct {
    const candidates *c;
} ran_ctx;

static void print_ran(void *ctx, const tune_race *race, int cand, int round, const outcome_t *out)
{
    const ran_ctx *rc = ctx;
    printf("  round %d/%d  %-44s %9.4f s  %6lld matrices  %10.4g ms/Gflop\n", round + 1,
           race->rounds, rc->c->label[cand], out->wall_s,
           (long long)(race->bounds[round + 1] - race->bounds[round]),
           1e12 * race->cand[cand].s_per_flop);
    fflush(stdout);
}

/* Collective over MPI_COMM_WORLD: the outputs, opened once for the race and
 * the rest. Returns 0 or CLI_EXIT_RUNTIME, the same on every rank. */
static int open_outputs(const tuned_launch_t *l, stack_output *outs, mixout_t *mix, int *opened)
{
    const char *const *paths = l->opt->outputs;
    *opened = paths[0] || paths[1] || paths[2];
    if (!*opened)
        return CLI_EXIT_OK;
    char err[JOB_PATH_MAX + 128] = "";
    int rc = job_mixed(l->job)
                 ? mixout_open(mix, l->job, l->job->dtypes[0], l->ctl->set, paths,
                               MPI_COMM_WORLD, err, sizeof err)
                 : stack_open_output(outs, l->job, l->job->dtypes[0], paths, MPI_COMM_WORLD, err,
                                     sizeof err);
    if (rc && err[0])
        log_rank(LOG_ERROR, "%s", err);
    rc = lazy_agree(rc != 0, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, 1);
    *opened = !rc;
    return rc ? CLI_EXIT_RUNTIME : CLI_EXIT_OK;
}

static int close_outputs(const tuned_launch_t *l, stack_output *outs, mixout_t *mix, int ok)
{
    char err[JOB_PATH_MAX + 128] = "";
    int rc = job_mixed(l->job) ? mixout_close(mix, MPI_COMM_WORLD, ok, err, sizeof err)
                               : stack_close_output(outs, MPI_COMM_WORLD, ok, err, sizeof err);
    if (rc && ok && l->rank == 0)
        log_msg(LOG_ERROR, "%s", err[0] ? err : "an output file could not be written");
    return rc && ok ? CLI_EXIT_RUNTIME : CLI_EXIT_OK;
}

/* The exit code of a run's failed status, said by rank 0. */
static int failed_run(const tuned_launch_t *l, int status, const char *what)
{
    if (status == OUTCOME_STOPPED)
        return CLI_EXIT_STOPPED;
    if (l->rank == 0)
        log_msg(LOG_ERROR, "tune: the %s failed: %s", what,
                status == OUTCOME_ENOMEM   ? "cannot allocate its buffers and workspaces"
                : status == OUTCOME_ESETUP ? "ScaLAPACK's grid or workspace query failed"
                : status == OUTCOME_EIO    ? "a rank could not read its input, write an output "
                                             "or its checkpoint, and stopped every rank"
                                           : "MPI error");
    return CLI_EXIT_RUNTIME;
}

/* Rank 0 after the race: the table, the disagreement, the checkpoint's
 * note and the database's record. Returns 0, or 1 after an I/O failure
 * (said). */
static int after_race(const tuned_launch_t *l, const race_state *rs, const tunerep_t *t,
                      const tunedb_key *key)
{
    tunerep_table(stdout, t);
    if (rs->disagree_cand >= 0)
        log_msg(LOG_ERROR, "tune: FAILED: %s disagrees with the others in round %d: matrix %lld "
                "gave %lld (sum of sigma %.17g), the vote's reference %lld (%.17g)",
                t->labels[rs->disagree_cand], rs->disagree_round + 1,
                (long long)rs->disagree_matrix, (long long)rs->disagree_got.value,
                rs->disagree_got.sum, (long long)rs->disagree_want.value, rs->disagree_want.sum);
    fflush(stdout);
    if (rs->winner < 0)
        return 0;
    char err[JOB_PATH_MAX + 128];
    int failed = 0;
    if (l->opt->checkpoint_dir &&
        tunedb_note_winner(l->opt->checkpoint_dir, t->labels[rs->winner], err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "--checkpoint: %s", err);
        failed = 1;
    }
    if (l->opt->tune_db && rs->disagree_cand < 0 &&
        tunedb_append(l->opt->tune_db, key, t->labels, t->n_cands, t->labels[rs->winner],
                      tunerep_predicted(t, rs->winner),
                      1e12 * rs->race.cand[rs->winner].s_per_flop, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "--tune-db: %s", err);
        failed = 1;
    }
    return failed;
}

/* Rank 0 at the end: the winner's row, the summary, the hints, the record
 * and the results. Returns the exit code. */
static int report_end(const tuned_launch_t *l, const plan_config *cfg, const outcome_t *out,
                      tunerep_t *t, int disagreed, int io_error)
{
    report_row row;
    report_summarise(&row, cfg, l->job, out, 1, NULL, 0, 0);
    if (disagreed)
        row.check = REPORT_FAILED;
    report_table_head(stdout);
    report_table_row(stdout, &row);
    if (l->opt->verbose)
        report_seed_lines(stdout, &row, out->results, l->job->count);
    if (row.n_failed)
        report_failures(stderr, out->results, l->job->count);
    tunerep_summary(stdout, t);
    tunerep_hints(stdout, cfg, l->ranks, l->n_ranks);
    char err[JOB_PATH_MAX + 128];
    if (l->opt->json_path) {
        report_row whole = row;     /* the record's wall is the launch's, race and all */
        whole.wall_s = whole.wall_s_min = whole.wall_s_max = t->launch_s;
        if (report_json_append(l->opt->json_path, l->job, &whole, l->ranks, l->n_ranks,
                               l->mpi_version, t, err, sizeof err) != 0) {
            log_msg(LOG_ERROR, "%s", err);
            io_error = 1;
        }
    }
    int skipped = 0;
    for (int p = 0; p < l->plan->n; p++)
        skipped += l->plan->configs[p].skipped;
    if (report_finish(stdout, l->opt->results_path, out->results, l->job->count,
                      row.check == REPORT_PASSED, row.check != REPORT_PASSED, skipped, 0, err,
                      sizeof err) != 0) {
        log_msg(LOG_ERROR, "%s", err);
        io_error = 1;
    }
    return io_error || row.n_failed          ? CLI_EXIT_RUNTIME
           : row.check != REPORT_PASSED      ? CLI_EXIT_CHECK
                                             : CLI_EXIT_OK;
}

int tuned_launch(const tuned_launch_t *l)
{
    candidates c;
    if (candidates_of(l->plan, &c) != 0)
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_RUNTIME);    /* a few bytes, before any work */
    tunedb_key key;
    sysinfo_hosts hosts;
    if (l->rank == 0 && sysinfo_hosts_of(l->ranks, l->n_ranks, &hosts) != 0)
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_RUNTIME);    /* a few bytes, before any work */
    if (l->rank == 0) {
        tunedb_key_make(&key, l->job, c.names, c.n, l->ctl->shapes, l->ctl->n_shapes, hosts.n,
                        l->mpi_version);
        sysinfo_hosts_free(&hosts);
    }
    int decision[2] = {TUNEREP_RACE, -1}, code = CLI_EXIT_OK;
    if (l->rank == 0) {
        tunerep_source source;
        code = choose_source(l, &c, &key, &source, &decision[1]);
        decision[0] = (int)source;
        fflush(stdout);
    }
    code = lazy_share(code, decision, sizeof decision, MPI_COMM_WORLD, CLI_EXIT_RUNTIME);
    stack_output outs;
    mixout_t mix;
    int opened = 0;
    if (code == CLI_EXIT_OK)
        code = open_outputs(l, &outs, &mix, &opened);
    if (code != CLI_EXIT_OK) {
        candidates_free(&c);
        return code;
    }
    run_control ctl = *l->ctl;
    ctl.outputs = NULL;
    ctl.outputs_open = opened && !job_mixed(l->job) ? &outs : NULL;
    ctl.mixed_open = opened && job_mixed(l->job) ? &mix : NULL;
    double budget = l->job->tune_budget_pct / 100.0;
    tunerep_t t = {.source = (tunerep_source)decision[0], .plan = l->plan, .labels = c.names,
                   .cands = c.index, .n_cands = c.n, .winner = decision[1], .budget = budget};
    race_state rs;
    memset(&rs, 0, sizeof rs);
    rs.winner = rs.disagree_cand = -1;      /* no race: no disagreement */
    double t0 = sysinfo_now();
    int status = OUTCOME_OK, io_error = 0;
    if (t.source == TUNEREP_RACE) {
        if (l->rank == 0) {
            printf("tune: racing %d candidates on a sample of the set (budget %d%% of the "
                   "predicted run)\n", c.n, l->job->tune_budget_pct);
            fflush(stdout);
        }
        ran_ctx rc = {.c = &c};
        int64_t least, per_class;
        least_slice(l, &c, &least, &per_class);
        status = race_run(&rs, l->job, l->plan, c.index, c.n, budget, least, per_class, &ctl,
                          print_ran, &rc);
        if (status == -ERANGE) {
            t.source = TUNEREP_SMALL;
            t.winner = 0;
            status = OUTCOME_OK;
            race_free(&rs);
            rs.winner = rs.disagree_cand = -1;
        } else if (status == OUTCOME_OK) {
            t.race = &rs.race;
            t.sample = &rs.sample;
            t.winner = rs.winner;
            t.race_s = rs.race_s;
            t.computed = rs.computed;
            t.computed_cost = rs.computed_cost;
            if (l->rank == 0)
                io_error = after_race(l, &rs, &t, &key);
            /* the checkpoint's note must be there before the rest computes */
            io_error = lazy_agree(io_error, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, 1);
        }
    }
    outcome_t out;
    memset(&out, 0, sizeof out);
    int raced = status == OUTCOME_OK;       /* a failure from here on is the rest's */
    if (status == OUTCOME_OK && t.winner >= 0 && !(io_error && l->opt->checkpoint_dir)) {
        const plan_config *cfg = &l->plan->configs[c.index[t.winner]];
        report_progress progress;
        report_progress_start(&progress, l->rank == 0 && !l->opt->quiet && isatty(2),
                              c.label[t.winner]);
        if (t.source == TUNEREP_RACE && fault_here("tune_rest", l->rank))
            stop_raise();
        double t1 = sysinfo_now();
        status = race_rest(&rs, l->job, cfg, &ctl, report_progress_update, &progress, &out);
        report_progress_end(&progress);
        t.rest_s = sysinfo_now() - t1;
    }
    t.launch_s = sysinfo_now() - t0;
    if (opened) {
        int rc = close_outputs(l, &outs, &mix, status == OUTCOME_OK && t.winner >= 0);
        io_error |= rc != CLI_EXIT_OK;
    }
    if (status != OUTCOME_OK)
        code = failed_run(l, status, raced ? "rest of the set" : "race");
    else if (t.winner < 0)
        code = CLI_EXIT_CHECK;      /* every candidate disagreed: said above */
    else if (io_error && l->opt->checkpoint_dir && !out.results)
        code = CLI_EXIT_RUNTIME;
    else if (l->rank == 0)
        code = report_end(l, &l->plan->configs[c.index[t.winner]], &out, &t,
                          rs.disagree_cand >= 0, io_error);
    outcome_free(&out);
    race_free(&rs);
    candidates_free(&c);
    return lazy_share(code, NULL, 0, MPI_COMM_WORLD, CLI_EXIT_RUNTIME);
}
