/* tables: svdreport's groups written as text tables, CSV, Markdown or one JSON document. */
#include "tables.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "dtype.h"
#include "labels.h"

/* A recommended configuration in prose, as both tables end:
 * "2x1 blas regenerate (3.059 s, 2 cores)"; its dtype in the name unless
 * float64, and single precision said with its error where known: "2x1 blas
 * regenerate float32 (1.620 s, 2 cores; single precision, sigma_err
 * 2.50e-07 against float64)", as whoever takes the fastest should know. */
static void pick_label(const compare_row *r, char *buf, size_t len)
{
    char name[128], single[96] = "";
    labels_config(r, name, sizeof name);
    if (dtype_single(r->dtype) && !isnan(r->sigma_err))
        snprintf(single, sizeof single, "; single precision, sigma_err %.2e against %s",
                 r->sigma_err, dtype_name(r->sigma_err_ref));
    else if (dtype_single(r->dtype))
        snprintf(single, sizeof single, "; single precision");
    snprintf(buf, len, "%s (%.3f s, %d core%s%s)", name, r->wall_s, r->cores,
             r->cores == 1 ? "" : "s", single);
}

/* What a DISAGREE row was held against: "the group's checksum aa", or with
 * several dtypes, each voting apart, "their dtype's checksum (float64 aa,
 * float32 bb)". Cut short at len. Cannot fail. */
static void references(const compare_group *g, char *buf, size_t len)
{
    if (g->dtypes < 2) {
        snprintf(buf, len, "the group's checksum %s", g->checksum[g->dtype]);
        return;
    }
    size_t at = 0;
    for (int t = 0, shown = 0; t < DTYPE_COUNT && at < len; t++)
        if (g->checksum[t][0])
            at += (size_t)snprintf(buf + at, len - at, "%s%s %s",
                                   shown++ ? ", " : "their dtype's checksum (",
                                   dtype_name((dtype_t)t), g->checksum[t]);
    if (at < len)
        snprintf(buf + at, len - at, ")");
}

/* A row's check: ok, ok* (agrees by rounding only), or DISAGREE (bold in
 * Markdown). */
static const char *check_label(const compare_row *r, int markdown)
{
    if (!r->agree)
        return markdown ? "**DISAGREE**" : "DISAGREE";
    return r->rounding ? "ok*" : "ok";
}

/* A number, or "-" when it is not one (no base row, no baseline). */
static void fmt_num(char *buf, size_t len, const char *fmt, double v)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, v);
}

/* A row's cells that are "-" when not a number, shared by the text and
 * Markdown tables. */
typedef struct {
    char speedup[16], efficiency[16], baseline[16], ratio[16], sigma_err[16];
} row_cells;

static void row_cells_fill(const compare_row *r, row_cells *c)
{
    fmt_num(c->speedup, sizeof c->speedup, "%.2f", r->speedup);
    fmt_num(c->efficiency, sizeof c->efficiency, "%.3f", r->efficiency);
    fmt_num(c->baseline, sizeof c->baseline, "%.3f", r->baseline_wall_s);
    fmt_num(c->ratio, sizeof c->ratio, "%.3f", r->ratio);
    fmt_num(c->sigma_err, sizeof c->sigma_err, "%.2e", r->sigma_err);
}

/* The row's makespan over its lower bound (its detail record's), or NAN
 * without the balance figures or a bound. */
static double mk_lb(const compare_row *r)
{
    const history_record *d = r->detail;
    if (!d || !(d->lb_s > 0))
        return NAN;
    return isnan(d->makespan_over_lb) ? d->makespan_s / d->lb_s : d->makespan_over_lb;
}

/* The bound that LB is ("sum" or "max"), or "-". */
static const char *lb_bound(const compare_row *r)
{
    return r->detail && r->detail->lb_bound[0] ? r->detail->lb_bound : "-";
}

/* How a row was tuned (RECORD_TUNE_RACE or RECORD_TUNE_DB), or "-" when plain. */
static const char *tuned_cell(const compare_row *r)
{
    return r->tune_run ? r->tune_run->tune.source : "-";
}

/* Each tuned row's tuning in a sentence (labels_tuned), one a line after prefix. */
static void tuned_lines(FILE *out, const compare_group *g, const char *prefix)
{
    for (int k = 0; k < g->n_configs; k++) {
        char line[512];
        labels_tuned(&g->configs[k], line, sizeof line);
        if (line[0])
            fprintf(out, "%s%s\n", prefix, line);
    }
}

/* A row's verdict against the baseline; a regression stands out (bold in
 * Markdown). */
static const char *verdict_label(const compare_row *r, int markdown)
{
    if (r->verdict == COMPARE_REGRESSION)
        return markdown ? "**regression**" : "REGRESSION";
    return compare_verdict_name(r->verdict);
}

void tables_text(FILE *out, const compare_report *rep, int with_baseline, double threshold)
{
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        char title[512];
        labels_group(g, title, sizeof title);
        fprintf(out, "%s== %s (hosts: %s)\n", gi ? "\n" : "", title, g->hosts);
        /* the schedule, balance, dtype and sigma_err columns only where a row
         * has them: older histories' tables stay as they were */
        fprintf(out, "%5s %7s %-5s %-10s %-16s ", "ranks", "threads", "mode", "distribute",
                "engine");
        if (g->balance)
            fprintf(out, "%-7s ", "sched");
        if (g->typed)
            fprintf(out, "%-10s ", "dtype");
        if (g->tuned)
            fprintf(out, "%-5s ", "tuned");
        fprintf(out, "| %4s %9s %19s | %7s %6s | %9s %6s %7s | ", "runs", "wall_s", "min-max",
                "speedup", "effic", "transfer%", "load%", "rss_MB");
        if (g->balance)
            fprintf(out, "%6s %-5s | ", "mk/LB", "LB");
        if (g->sigma)
            fprintf(out, "%9s | ", "sigma_err");
        fprintf(out, "%s%s\n", "check", with_baseline ? "      | base_s   ratio  verdict" : "");
        for (int k = 0; k < g->n_configs; k++) {
            const compare_row *r = &g->configs[k];
            row_cells c;
            row_cells_fill(r, &c);
            char range[40];
            snprintf(range, sizeof range, "%.3f-%.3f", r->wall_s_min, r->wall_s_max);
            fprintf(out, "%5d %7d %-5s %-10s %-16s ", r->ranks, r->threads, r->thread_mode,
                    r->distribute, r->engine);
            if (g->balance)
                fprintf(out, "%-7s ", r->schedule);
            if (g->typed)
                fprintf(out, "%-10s ", dtype_name(r->dtype));
            if (g->tuned)
                fprintf(out, "%-5s ", tuned_cell(r));
            fprintf(out, "| %4d %9.3f %19s | %7s %6s | %9.2f %6.0f %7.1f | ", r->runs, r->wall_s,
                    range, c.speedup, c.efficiency, r->transfer_pct, r->load_pct, r->rss_mb);
            if (g->balance) {
                char ratio[16];
                fmt_num(ratio, sizeof ratio, "%.3f", mk_lb(r));
                fprintf(out, "%6s %-5s | ", ratio, lb_bound(r));
            }
            if (g->sigma)
                fprintf(out, "%9s | ", c.sigma_err);
            fprintf(out, "%-10s", check_label(r, 0));
            if (with_baseline)
                fprintf(out, " | %7s %7s  %s", c.baseline, c.ratio, verdict_label(r, 0));
            if (k == g->base)
                fprintf(out, "  (base)");
            if (r->detail && r->detail->kernels[0])
                fprintf(out, "  [%s]", r->detail->kernels);
            fputc('\n', out);
        }
        if (g->base < 0)
            fprintf(out, "note: no base row in this group (default: 1 rank x 1 thread; see "
                    "--base), so no speedup or efficiency\n");
        if (g->disagree) {
            char against[256];
            references(g, against, sizeof against);
            fprintf(out, "DISAGREE: %d configuration(s) do not match %s (or failed their own "
                    "check): their results differ\n", g->disagree, against);
        }
        if (g->rounding)
            fprintf(out, "ok*: %d configuration(s) carry another checksum, but svdrun found each "
                    "differing integer's sum within rounding of an integer (boundary): "
                    "accepted\n", g->rounding);
        if (with_baseline && g->regressions)
            fprintf(out, "REGRESSION: %d configuration(s) slower than the baseline by more than "
                    "%.1f%%\n", g->regressions, 100.0 * threshold);
        tuned_lines(out, g, "");
        char fast[256], cheap[256];
        pick_label(&g->configs[g->fastest], fast, sizeof fast);
        pick_label(&g->configs[g->cheapest], cheap, sizeof cheap);
        if (g->cheapest == g->fastest)
            fprintf(out, "recommendation: fastest is %s; nothing with fewer cores is within 5%% "
                    "of it\n", fast);
        else
            fprintf(out, "recommendation: fastest is %s; cheapest within 5%% is %s\n", fast, cheap);
    }
}

/* A CSV field: quoted when it holds a comma or a quote. */
static void csv_text(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

static void csv_num(FILE *out, double v)
{
    if (!isnan(v))
        fprintf(out, "%.6g", v);
}

void tables_csv(FILE *out, const compare_report *rep)
{
    fputs("group,name,rows,cols,count,seed,vectors,driver,ranks,threads,thread_mode,distribute,"
          "engine,hosts,cores,runs,wall_s,wall_s_min,wall_s_max,speedup,efficiency,transfer_pct,"
          "load_pct,rss_mb,checksum,agree,base,fastest,cheapest,baseline_wall_s,ratio,verdict,"
          "schedule,set,workers,makespan_s,lb_s,lb_bound,makespan_over_lb,cpu_max_over_mean,"
          "kernel_matrices,tuned,tune_source,tune_candidates,tune_race_s,tune_rest_s,"
          "tune_predicted_s,tune_overhead,dtype,sigma_err,sigma_err_ref,sigma_err_over_bound\n",
          out);
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        for (int k = 0; k < g->n_configs; k++) {
            const compare_row *r = &g->configs[k];
            fprintf(out, "%d,", gi + 1);
            csv_text(out, g->name);
            fprintf(out, ",%lld,%lld,%lld,%llu,", (long long)g->rows, (long long)g->cols,
                    (long long)g->count, (unsigned long long)g->seed);
            csv_text(out, g->vectors);
            fputc(',', out);
            csv_text(out, g->driver);
            fprintf(out, ",%d,%d,", r->ranks, r->threads);
            csv_text(out, r->thread_mode);
            fputc(',', out);
            csv_text(out, r->distribute);
            fputc(',', out);
            csv_text(out, r->engine);
            fputc(',', out);
            csv_text(out, r->hosts);
            fprintf(out, ",%d,%d,", r->cores, r->runs);
            const double nums[] = {r->wall_s, r->wall_s_min, r->wall_s_max, r->speedup,
                                   r->efficiency, r->transfer_pct, r->load_pct, r->rss_mb};
            for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
                csv_num(out, nums[i]);
                fputc(',', out);
            }
            csv_text(out, r->checksum);
            fprintf(out, ",%s,%d,%d,%d,", r->agree ? "yes" : "no", k == g->base, k == g->fastest,
                    k == g->cheapest);
            csv_num(out, r->baseline_wall_s);
            fputc(',', out);
            csv_num(out, r->ratio);
            fprintf(out, ",%s,", compare_verdict_name(r->verdict));
            csv_text(out, r->schedule);
            fputc(',', out);
            csv_text(out, g->set ? g->set : "");
            const history_record *d = r->detail;
            if (d)
                fprintf(out, ",%lld,", (long long)d->workers);
            else
                fputs(",,", out);
            csv_num(out, d ? d->makespan_s : NAN);
            fputc(',', out);
            csv_num(out, d ? d->lb_s : NAN);
            fprintf(out, ",%s,", d ? d->lb_bound : "");
            csv_num(out, mk_lb(r));
            fputc(',', out);
            csv_num(out, d ? d->cpu_max_over_mean : NAN);
            fputc(',', out);
            csv_text(out, d ? d->kernels : "");
            const history_record *t = r->tune_run;
            fprintf(out, ",%d,%s,", r->tuned, t ? t->tune.source : "");
            if (t)
                fprintf(out, "%lld", (long long)t->tune.candidates);
            const double tune[] = {t ? t->tune.race_s : NAN, t ? t->tune.rest_s : NAN,
                                   t && t->tune.predicted_s >= 0 ? t->tune.predicted_s : NAN,
                                   t ? t->tune.overhead : NAN};
            for (size_t i = 0; i < sizeof tune / sizeof tune[0]; i++) {
                fputc(',', out);
                csv_num(out, tune[i]);
            }
            /* last, so that the columns of older outputs keep their places */
            int sigma = !isnan(r->sigma_err);
            fprintf(out, ",%s,", dtype_name(r->dtype));
            csv_num(out, r->sigma_err);
            fprintf(out, ",%s,", sigma ? dtype_name(r->sigma_err_ref) : "");
            csv_num(out, r->sigma_err_over_bound);
            fputc('\n', out);
        }
    }
}

void tables_markdown(FILE *out, const compare_report *rep, int with_baseline)
{
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        char title[512];
        labels_group(g, title, sizeof title);
        fprintf(out, "%s### %s\n\nhosts: %s\n\n", gi ? "\n" : "", title, g->hosts);
        fprintf(out, "| ranks | threads | mode | distribute | engine |%s%s%s runs | wall s | "
                "min–max | speedup | efficiency | transfer %% | load %% | RSS MB |%s%s check |%s\n",
                g->balance ? " schedule |" : "", g->typed ? " dtype |" : "",
                g->tuned ? " tuned |" : "", g->balance ? " makespan/LB |" : "",
                g->sigma ? " sigma_err |" : "",
                with_baseline ? " baseline s | ratio | verdict |" : "");
        fprintf(out, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%s%s%s%s%s\n",
                g->balance ? "---|---|" : "", g->typed ? "---|" : "", g->tuned ? "---|" : "",
                g->sigma ? "---|" : "", with_baseline ? "---|---|---|" : "");
        for (int k = 0; k < g->n_configs; k++) {
            const compare_row *r = &g->configs[k];
            row_cells c;
            row_cells_fill(r, &c);
            fprintf(out, "| %d | %d | %s | %s | %s |", r->ranks, r->threads, r->thread_mode,
                    r->distribute, r->engine);
            if (g->balance)
                fprintf(out, " %s |", r->schedule);
            if (g->typed)
                fprintf(out, " %s |", dtype_name(r->dtype));
            if (g->tuned)
                fprintf(out, " %s |", tuned_cell(r));
            fprintf(out, " %d | %.3f | %.3f–%.3f | %s | %s | %.2f | %.0f | %.1f |", r->runs,
                    r->wall_s, r->wall_s_min, r->wall_s_max, c.speedup, c.efficiency,
                    r->transfer_pct, r->load_pct, r->rss_mb);
            if (g->balance) {
                char ratio[16];
                fmt_num(ratio, sizeof ratio, "%.3f", mk_lb(r));
                fprintf(out, " %s%s%s%s |", ratio, r->detail ? " (" : "",
                        r->detail ? lb_bound(r) : "", r->detail ? ")" : "");
            }
            if (g->sigma)
                fprintf(out, " %s |", c.sigma_err);
            fprintf(out, " %s%s%s%s |", check_label(r, 1),
                    r->detail && r->detail->kernels[0] ? " (" : "",
                    r->detail ? r->detail->kernels : "",
                    r->detail && r->detail->kernels[0] ? ")" : "");
            if (with_baseline)
                fprintf(out, " %s | %s | %s |", c.baseline, c.ratio, verdict_label(r, 1));
            fputc('\n', out);
        }
        if (g->rounding)
            fprintf(out, "\nok\\*: %d configuration(s) carry another checksum only by rounding at "
                    "an integer, which svdrun checked on the double sums.\n", g->rounding);
        if (g->tuned) {
            fputc('\n', out);
            tuned_lines(out, g, "- ");
        }
        char fast[256], cheap[256];
        pick_label(&g->configs[g->fastest], fast, sizeof fast);
        pick_label(&g->configs[g->cheapest], cheap, sizeof cheap);
        fprintf(out, "\nFastest: %s. Cheapest within 5%%: %s.\n", fast, cheap);
    }
}

/* A JSON number, or null for NAN. */
static json_t *jnum(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* o with add's fields; add is freed. Returns o, or NULL (o freed) when o or
 * add is NULL (memory ran out making it) or memory runs out. */
static json_t *merged(json_t *o, json_t *add)
{
    if (!o || !add || json_object_update(o, add) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(add);
    return o;
}

/* The row's schedule and balance figures as JSON fields (null where absent).
 * Returns them, or NULL when memory runs out. */
static json_t *balance_json(const compare_group *g, const compare_row *r)
{
    const history_record *d = r->detail;
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "schedule", r->schedule,
                     "set", g->set ? json_string(g->set) : json_null(),
                     "workers", d ? json_integer((json_int_t)d->workers) : json_null(),
                     "makespan_s", jnum(d ? d->makespan_s : NAN),
                     "lb_s", jnum(d ? d->lb_s : NAN),
                     "lb_bound", d && d->lb_bound[0] ? json_string(d->lb_bound) : json_null(),
                     "makespan_over_lb", jnum(mk_lb(r)),
                     "cpu_max_over_mean", jnum(d ? d->cpu_max_over_mean : NAN),
                     "kernel_matrices", d && d->kernels[0] ? json_string(d->kernels) : json_null());
}

/* Whether the row is tuned, and its tuning figures as JSON fields (null for
 * a plain row). Returns them, or NULL when memory runs out. */
static json_t *tune_json(const compare_row *r)
{
    const history_record *t = r->tune_run;
    return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "tuned", r->tuned,
                     "tune_source", t ? json_string(t->tune.source) : json_null(),
                     "tune_candidates",
                     t ? json_integer((json_int_t)t->tune.candidates) : json_null(),
                     "tune_race_s", jnum(t ? t->tune.race_s : NAN),
                     "tune_rest_s", jnum(t ? t->tune.rest_s : NAN),
                     "tune_predicted_s", jnum(t && t->tune.predicted_s >= 0 ? t->tune.predicted_s : NAN),
                     "tune_overhead", jnum(t ? t->tune.overhead : NAN));
}

/* The row's precision, and its error against double precision (null where
 * absent), as JSON fields. Returns them, or NULL when memory runs out. */
static json_t *precision_json(const compare_row *r)
{
    int sigma = !isnan(r->sigma_err);
    return json_pack("{s:s, s:o, s:o, s:o}", "dtype", dtype_name(r->dtype),
                     "sigma_err", jnum(r->sigma_err),
                     "sigma_err_ref", sigma ? json_string(dtype_name(r->sigma_err_ref)) : json_null(),
                     "sigma_err_over_bound", jnum(r->sigma_err_over_bound));
}

/* Each dtype's reference checksum of the group, {"float64": "aa", ...}.
 * Returns it, or NULL when memory runs out. */
static json_t *checksums_json(const compare_group *g)
{
    json_t *o = json_object();
    for (int t = 0; t < DTYPE_COUNT && o; t++)
        if (g->checksum[t][0] &&
            json_object_set_new(o, dtype_name((dtype_t)t), json_string(g->checksum[t])) != 0) {
            json_decref(o);
            o = NULL;
        }
    return o;
}

static json_t *row_json(const compare_group *g, int gi, int k)
{
    const compare_row *r = &g->configs[k];
    return merged(merged(merged(
        json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s,"
                  " s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:b,"
                  " s:o, s:o, s:o}",
                  "group", gi + 1, "name", g->name, "rows", (json_int_t)g->rows,
                  "cols", (json_int_t)g->cols, "count", (json_int_t)g->count,
                  "seed", (json_int_t)g->seed, "vectors", g->vectors, "driver", g->driver,
                  "ranks", r->ranks, "threads", r->threads, "thread_mode", r->thread_mode,
                  "distribute", r->distribute, "engine", r->engine, "hosts", r->hosts,
                  "cores", r->cores, "runs", r->runs, "wall_s", jnum(r->wall_s),
                  "wall_s_min", jnum(r->wall_s_min), "wall_s_max", jnum(r->wall_s_max),
                  "speedup", jnum(r->speedup), "efficiency", jnum(r->efficiency),
                  "transfer_pct", jnum(r->transfer_pct), "load_pct", jnum(r->load_pct),
                  "rss_mb", jnum(r->rss_mb), "checksum", r->checksum, "agree", r->agree,
                  "base", k == g->base, "fastest", k == g->fastest,
                  "cheapest", k == g->cheapest,
                  "baseline_wall_s", jnum(r->baseline_wall_s), "ratio", jnum(r->ratio),
                  "verdict", r->verdict == COMPARE_NO_BASELINE
                                 ? json_null()
                                 : json_string(compare_verdict_name(r->verdict))),
        balance_json(g, r)), tune_json(r)), precision_json(r));
}

int tables_json(FILE *out, const compare_report *rep, FILE *errors)
{
    json_t *groups = json_array();
    int built = 1;
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        json_t *rows = json_array();
        for (int k = 0; k < g->n_configs; k++)
            built &= json_array_append_new(rows, row_json(g, gi, k)) == 0;
        built &= json_array_append_new(groups,
            json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:b, s:o, s:o,"
                      " s:o}",
                      "name", g->name, "rows", (json_int_t)g->rows, "cols", (json_int_t)g->cols,
                      "count", (json_int_t)g->count, "seed", (json_int_t)g->seed,
                      "vectors", g->vectors, "driver", g->driver,
                      "set", g->set ? json_string(g->set) : json_null(), "hosts", g->hosts,
                      "checksum", g->checksum[g->dtype], "checksums", checksums_json(g),
                      "agree", g->disagree == 0,
                      "fastest", row_json(g, gi, g->fastest),
                      "cheapest", row_json(g, gi, g->cheapest), "rows_detail", rows)) == 0;
    }
    /* "rows" is the matrix rows of a group, so the configurations go under "configurations" */
    for (size_t i = 0; i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        built &= json_object_set(g, "configurations", json_object_get(g, "rows_detail")) == 0;
        json_object_del(g, "rows_detail");
    }
    json_t *doc = json_pack("{s:o}", "groups", groups);
    if (!doc || !built) {
        json_decref(doc);
        fprintf(errors, "svdreport: out of memory\n");
        return ENOMEM;
    }
    int rc = json_dumpf(doc, out, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
    json_decref(doc);
    fputc('\n', out);
    if (rc == 0)
        return 0;
    if (ferror(out))
        return EIO;
    fprintf(errors, "svdreport: out of memory writing the JSON\n");
    return ENOMEM;
}
