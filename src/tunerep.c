/* tunerep: a --tune launch in words and JSON: the race table, the winner's figures, what a launch cannot change, and the record's tune fields. */
#include "tunerep.h"

#include <stdlib.h>
#include <string.h>

#include "record.h"

static const char *const source_names[] = {"race", "db", "resumed", "one", "small"};

double tunerep_predicted(const tunerep_t *t, int i)
{
    if (!t->race || t->race->cand[i].rounds_run == 0)
        return -1;
    return t->race->cand[i].s_per_flop * t->sample->total;
}

double tunerep_overhead_s(const tunerep_t *t)
{
    if (!t->race || t->winner < 0)
        return 0;
    double useful = t->race->cand[t->winner].s_per_flop * t->computed_cost;
    return t->race_s > useful ? t->race_s - useful : 0;
}

/* Where candidate i left the race, in words. */
static void left_at(const tunerep_t *t, int i, char *buf, size_t len)
{
    const tune_candidate *c = &t->race->cand[i];
    if (c->status == TUNE_WINNER)
        snprintf(buf, len, "winner");
    else if (c->status == TUNE_DISAGREES)
        snprintf(buf, len, "round %d: DISAGREES", c->dropped_round + 1);
    else if (c->status == TUNE_DROPPED)
        snprintf(buf, len, "round %d", c->dropped_round + 1);
    else
        snprintf(buf, len, "-");
}

void tunerep_table(FILE *out, const tunerep_t *t)
{
    const tune_race *race = t->race;
    fprintf(out, "race: %d candidates, %d round(s) on %lld of %lld matrices (slices",
            t->n_cands, race->rounds, (long long)t->computed, (long long)t->sample->n);
    for (int r = 0; r < race->rounds; r++)
        fprintf(out, "%s%lld", r ? ", " : " ", (long long)(race->bounds[r + 1] - race->bounds[r]));
    /* what the race costs were all as fast: above the budget when the least
     * slices (every worker busy, every costly class in) ask for more */
    double work = 0;
    for (int r = 0; r < race->rounds; r++) {
        int ran = 0;
        for (int i = 0; i < t->n_cands; i++)
            ran += race->cand[i].rounds_run > r;
        work += ran * race->slice_cost[r];
    }
    fprintf(out, "), %.1f%% of the set's cost at equal speeds, budget %.0f%%\n",
            t->sample->total > 0 ? 100 * work / t->sample->total : 0.0, 100 * t->budget);
    fprintf(out, "  %-44s %12s %6s %-20s %11s\n", "configuration", "ms/Gflop", "rounds",
            "left after", "predicted s");
    for (int i = 0; i < t->n_cands; i++) {
        char where[32];
        left_at(t, i, where, sizeof where);
        fprintf(out, "  %-44s %12.4g %6d %-20s %11.3f\n", t->labels[i],
                1e12 * race->cand[i].s_per_flop, race->cand[i].rounds_run, where,
                tunerep_predicted(t, i));
    }
    for (int p = 0; p < t->plan->n; p++)
        if (t->plan->configs[p].skipped)
            fprintf(out, "  config %d skipped: %s\n", p + 1, t->plan->configs[p].skip_reason);
}

void tunerep_summary(FILE *out, const tunerep_t *t)
{
    const char *name = t->labels[t->winner];
    switch (t->source) {
    case TUNEREP_RACE: {
        double rest_cost = t->sample->total - t->computed_cost;
        double s_flop = t->race->cand[t->winner].s_per_flop;
        fprintf(out, "tune: winner %s: predicted %.3f s for the whole set, %.3f s for the rest; "
                     "the rest took %.3f s (%+.1f%%)\n",
                name, s_flop * t->sample->total, s_flop * rest_cost, t->rest_s,
                s_flop * rest_cost > 0 ? 100 * (t->rest_s / (s_flop * rest_cost) - 1) : 0.0);
        double over = tunerep_overhead_s(t);
        fprintf(out, "tune: the race took %.3f s of the launch's %.3f s (%.1f%%) and computed %lld "
                     "matrices; its overhead, beyond the winner's time for those, is %.3f s "
                     "(%.1f%% of the launch)\n",
                t->race_s, t->launch_s, t->launch_s > 0 ? 100 * t->race_s / t->launch_s : 0.0,
                (long long)t->computed, over, t->launch_s > 0 ? 100 * over / t->launch_s : 0.0);
        break;
    }
    case TUNEREP_DB:
        fprintf(out, "tune: winner %s, from the tuning database: no race (--tune=force races)\n",
                name);
        break;
    case TUNEREP_RESUMED:
        fprintf(out, "tune: winner %s, raced before the stop: the rest runs with it, no race\n",
                name);
        break;
    case TUNEREP_ONE:
        fprintf(out, "tune: one candidate, %s: nothing to race; it runs the whole set\n", name);
        break;
    case TUNEREP_SMALL:
        fprintf(out, "tune: the set is too small to race %d candidates; the first, %s, runs "
                     "the whole set\n", t->n_cands, name);
        break;
    }
}

int tunerep_hints(FILE *out, const plan_config *w, const sysinfo_rank *ranks, int n_ranks)
{
    int hints = 0;
    if (w->ranks < n_ranks)
        hints++, fprintf(out, "hint: the winner used %d of %d launched ranks: launch with -np %d\n",
                         w->ranks, n_ranks, w->ranks);
    int narrowest = ranks[0].n_allowed;
    for (int r = 1; r < w->ranks && r < n_ranks; r++)
        if (ranks[r].n_allowed < narrowest)
            narrowest = ranks[r].n_allowed;
    if (w->threads > 1 && narrowest > 0 && narrowest < w->threads)
        hints++, fprintf(out, "hint: a rank may run on %d CPU(s), fewer than the winner's %d "
                              "threads: launch with --bind-to none or --map-by slot:PE=%d\n",
                         narrowest, w->threads, w->threads);
    const char *chosen = getenv("SVDRUN_WAIT_POLICY");
    long cpus = ranks[0].n_online;
    int on_host = w->ranks < ranks[0].ranks_on_node ? w->ranks : ranks[0].ranks_on_node;
    if (chosen && w->threads > 1 && cpus > 0 && (long)on_host * w->threads <= cpus)
        hints++, fprintf(out, "hint: svdrun set OMP_WAIT_POLICY=%s because another candidate "
                              "oversubscribed this host; the winner does not, and launched "
                              "alone it keeps libgomp's default\n", chosen);
    else if (chosen && w->threads == 1)
        hints++, fprintf(out, "hint: svdrun set OMP_WAIT_POLICY=%s for other candidates; the "
                              "winner runs one thread per rank, which it does not touch\n", chosen);
    fprintf(out, "tune: to run the winner alone: --ranks=%d --threads=%d --thread_mode=%s "
                 "--distribute=%s --engine=%s",
            w->ranks, w->threads, job_thread_mode_name(w->mode),
            job_distribute_name(w->distribute), job_engine_name(w->engine));
    if (w->engine == JOB_ENGINE_LAPACK)
        fprintf(out, " --kernel=%s --schedule=%s", job_kernel_name(w->kernel),
                job_schedule_name(w->schedule));
    fprintf(out, "\n");
    return hints;
}

/* A number, or null for a candidate that never ran. */
static json_t *maybe(double v)
{
    return v < 0 ? json_null() : json_real(v);
}

int tunerep_json(json_t *rec, const tunerep_t *t)
{
    json_t *race = json_array();
    if (!race)
        return -1;
    for (int i = 0; t->race && i < t->n_cands; i++) {
        const tune_candidate *c = &t->race->cand[i];
        const plan_config *cfg = &t->plan->configs[t->cands[i]];
        const char *status = c->status == TUNE_WINNER      ? "winner"
                             : c->status == TUNE_DISAGREES ? "disagrees"
                             : c->status == TUNE_DROPPED   ? "dropped"
                                                           : "racing";
        json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:o, s:o, s:s}", "config", t->labels[i],
                              "ranks", cfg->ranks, "threads", cfg->threads, "rounds_run",
                              c->rounds_run, "dropped_round",
                              c->status == TUNE_WINNER ? -1 : c->dropped_round, "ms_per_gflop",
                              maybe(c->rounds_run ? 1e12 * c->s_per_flop : -1), "predicted_s",
                              maybe(tunerep_predicted(t, i)), "status", status);
        if (!o || json_array_append_new(race, o) != 0) {
            json_decref(race);
            return -1;
        }
    }
    for (int p = 0; t->race && p < t->plan->n; p++) {
        const plan_config *cfg = &t->plan->configs[p];
        if (!cfg->skipped)
            continue;
        char label[80];
        record_label(label, sizeof label, cfg->ranks, cfg->threads, job_thread_mode_name(cfg->mode),
                     job_distribute_name(cfg->distribute), job_engine_name(cfg->engine),
                     job_kernel_name(cfg->kernel), job_schedule_name(cfg->schedule),
                     dtype_name(cfg->dtype));
        json_array_append_new(race, json_pack("{s:s, s:i, s:i, s:i, s:i, s:n, s:n, s:s, s:s}",
                                              "config", label, "ranks", cfg->ranks, "threads",
                                              cfg->threads, "rounds_run", 0, "dropped_round", -1,
                                              "ms_per_gflop", "predicted_s", "status", "skipped",
                                              "reason", cfg->skip_reason));
    }
    int bad = json_object_set_new(rec, RECORD_F_TUNED, json_true());
    bad |= json_object_set_new(rec, RECORD_F_TUNE_SOURCE, json_string(source_names[t->source]));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_RACE_S, json_real(t->race_s));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_REST_S, json_real(t->rest_s));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_PREDICTED_S,
                               maybe(t->race ? tunerep_predicted(t, t->winner) : -1));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_OVERHEAD,
                               json_real(t->launch_s > 0 ? tunerep_overhead_s(t) / t->launch_s : 0));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_BUDGET, json_real(t->budget));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_SAMPLE, json_integer(t->computed));
    bad |= json_object_set_new(rec, RECORD_F_TUNE_CANDIDATES, json_integer(t->n_cands));
    bad |= json_object_set_new(rec, RECORD_F_RACE, race);
    return bad ? -1 : 0;
}
