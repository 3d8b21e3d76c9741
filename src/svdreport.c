/* svdreport: compares svdrun --json records across runs: tables, recommendations, baselines, plots (no MPI). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "compare.h"
#include "history.h"
#include "record.h"

/* svdrun's meanings: 3 is a runtime failure (memory, I/O, the plot), never a verdict */
enum { EXIT_OK = 0, EXIT_DIFFER = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };
enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_MARKDOWN, FORMAT_JSON };
enum { OPT_FORMAT = 256, OPT_BASE, OPT_BASELINE, OPT_THRESHOLD, OPT_PLOT };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: svdreport FILE.jsonl [MORE.jsonl ...] [options]\n"
            "Compares svdrun --json records: one table per matrix set, one row per configuration.\n\n"
            "  --format table|csv|markdown|json   output format (default table)\n"
            "  --base \"ranks=2,threads=1\"         row that speedups are measured against\n"
            "                                     (default: 1 rank x 1 thread)\n"
            "  --baseline OLD.jsonl               compare with older records (repeat the flag\n"
            "                                     for several files)\n"
            "  --threshold 5%%                     slowdown beyond which a row regressed (default\n"
            "                                     5%%; 5 and 5%% are the same)\n"
            "  --plot OUT.png                     one PNG per matrix set (OUT-2.png, ... after the\n"
            "                                     first); its paths go to stdout, or to stderr\n"
            "                                     with csv and json\n"
            "  -h, --help\n\n"
            "Exit codes: 0 ok, 1 results disagree or a regression, 2 usage or no valid record,\n"
            "3 a runtime failure: out of memory, standard output not written, or the plot\n"
            "failed (gnuplot missing or erring).\n");
}

/* "2x1 blas regenerate", the name of a configuration in prose (record_label;
 * the row's engine is already its label). */
static void config_label(const compare_row *r, char *buf, size_t len)
{
    record_label(buf, len, r->ranks, r->threads, r->thread_mode, r->distribute, r->engine, NULL);
}

/* A recommended configuration in prose, as both tables end:
 * "2x1 blas regenerate (3.059 s, 2 cores)". */
static void pick_label(const compare_row *r, char *buf, size_t len)
{
    char name[128];
    config_label(r, name, sizeof name);
    snprintf(buf, len, "%s (%.3f s, %d core%s)", name, r->wall_s, r->cores,
             r->cores == 1 ? "" : "s");
}

/* A row's check: ok, ok* (agrees by rounding only), or DISAGREE (bold in
 * Markdown). */
static const char *check_label(const compare_row *r, int markdown)
{
    if (!r->agree)
        return markdown ? "**DISAGREE**" : "DISAGREE";
    return r->rounding ? "ok*" : "ok";
}

static void group_title(const compare_group *g, char *buf, size_t len)
{
    snprintf(buf, len, "%s: %lld matrices of %lld x %lld, seed %llu, vectors %s, %s", g->name,
             (long long)g->count, (long long)g->rows, (long long)g->cols,
             (unsigned long long)g->seed, g->vectors, g->driver);
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
    char speedup[16], efficiency[16], baseline[16], ratio[16];
} row_cells;

static void row_cells_fill(const compare_row *r, row_cells *c)
{
    fmt_num(c->speedup, sizeof c->speedup, "%.2f", r->speedup);
    fmt_num(c->efficiency, sizeof c->efficiency, "%.3f", r->efficiency);
    fmt_num(c->baseline, sizeof c->baseline, "%.3f", r->baseline_wall_s);
    fmt_num(c->ratio, sizeof c->ratio, "%.3f", r->ratio);
}

/* A row's verdict against the baseline; a regression stands out (bold in
 * Markdown). */
static const char *verdict_label(const compare_row *r, int markdown)
{
    if (r->verdict == COMPARE_REGRESSION)
        return markdown ? "**regression**" : "REGRESSION";
    return compare_verdict_name(r->verdict);
}

static void print_table(const compare_report *rep, int with_baseline, double threshold)
{
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        char title[512];
        group_title(g, title, sizeof title);
        printf("%s== %s (hosts: %s)\n", gi ? "\n" : "", title, g->hosts);
        printf("%5s %7s %-5s %-10s %-16s | %4s %9s %19s | %7s %6s | %9s %6s %7s | %s%s\n", "ranks",
               "threads", "mode", "distribute", "engine", "runs", "wall_s", "min-max", "speedup",
               "effic", "transfer%", "load%", "rss_MB", "check",
               with_baseline ? "      | base_s   ratio  verdict" : "");
        for (int k = 0; k < g->n_configs; k++) {
            const compare_row *r = &g->configs[k];
            row_cells c;
            row_cells_fill(r, &c);
            char range[40];
            snprintf(range, sizeof range, "%.3f-%.3f", r->wall_s_min, r->wall_s_max);
            printf("%5d %7d %-5s %-10s %-16s | %4d %9.3f %19s | %7s %6s | %9.2f %6.0f %7.1f | %-10s",
                   r->ranks, r->threads, r->thread_mode, r->distribute, r->engine, r->runs,
                   r->wall_s, range, c.speedup, c.efficiency, r->transfer_pct, r->load_pct,
                   r->rss_mb, check_label(r, 0));
            if (with_baseline)
                printf(" | %7s %7s  %s", c.baseline, c.ratio, verdict_label(r, 0));
            if (k == g->base)
                printf("  (base)");
            putchar('\n');
        }
        if (g->base < 0)
            printf("note: no base row in this group (default: 1 rank x 1 thread; see --base), "
                   "so no speedup or efficiency\n");
        if (g->disagree)
            printf("DISAGREE: %d configuration(s) do not match the group's checksum %s (or failed "
                   "their own check): their results differ\n",
                   g->disagree, g->checksum);
        if (g->rounding)
            printf("ok*: %d configuration(s) carry another checksum, but svdrun found each "
                   "differing integer's sum within rounding of an integer (boundary): accepted\n",
                   g->rounding);
        if (with_baseline && g->regressions)
            printf("REGRESSION: %d configuration(s) slower than the baseline by more than %.1f%%\n",
                   g->regressions, 100.0 * threshold);
        char fast[192], cheap[192];
        pick_label(&g->configs[g->fastest], fast, sizeof fast);
        pick_label(&g->configs[g->cheapest], cheap, sizeof cheap);
        if (g->cheapest == g->fastest)
            printf("recommendation: fastest is %s; nothing with fewer cores is within 5%% of it\n",
                   fast);
        else
            printf("recommendation: fastest is %s; cheapest within 5%% is %s\n", fast, cheap);
    }
}

/* A CSV field: quoted when it holds a comma or a quote. */
static void csv_text(const char *s)
{
    if (strpbrk(s, ",\"")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
}

static void csv_num(double v)
{
    if (!isnan(v))
        printf("%.6g", v);
}

static void print_csv(const compare_report *rep)
{
    printf("group,name,rows,cols,count,seed,vectors,driver,ranks,threads,thread_mode,distribute,"
           "engine,hosts,cores,runs,wall_s,wall_s_min,wall_s_max,speedup,efficiency,transfer_pct,"
           "load_pct,rss_mb,checksum,agree,base,fastest,cheapest,baseline_wall_s,ratio,verdict\n");
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        for (int k = 0; k < g->n_configs; k++) {
            const compare_row *r = &g->configs[k];
            printf("%d,", gi + 1);
            csv_text(g->name);
            printf(",%lld,%lld,%lld,%llu,", (long long)g->rows, (long long)g->cols,
                   (long long)g->count, (unsigned long long)g->seed);
            csv_text(g->vectors);
            putchar(',');
            csv_text(g->driver);
            printf(",%d,%d,", r->ranks, r->threads);
            csv_text(r->thread_mode);
            putchar(',');
            csv_text(r->distribute);
            putchar(',');
            csv_text(r->engine);
            putchar(',');
            csv_text(r->hosts);
            printf(",%d,%d,", r->cores, r->runs);
            const double nums[] = {r->wall_s, r->wall_s_min, r->wall_s_max, r->speedup,
                                   r->efficiency, r->transfer_pct, r->load_pct, r->rss_mb};
            for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
                csv_num(nums[i]);
                putchar(',');
            }
            csv_text(r->checksum);
            printf(",%s,%d,%d,%d,", r->agree ? "yes" : "no", k == g->base, k == g->fastest,
                   k == g->cheapest);
            csv_num(r->baseline_wall_s);
            putchar(',');
            csv_num(r->ratio);
            printf(",%s\n", compare_verdict_name(r->verdict));
        }
    }
}

static void print_markdown(const compare_report *rep, int with_baseline)
{
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        char title[512];
        group_title(g, title, sizeof title);
        printf("%s### %s\n\nhosts: %s\n\n", gi ? "\n" : "", title, g->hosts);
        printf("| ranks | threads | mode | distribute | engine | runs | wall s | min–max | speedup "
               "| efficiency | transfer %% | load %% | RSS MB | check |%s\n",
               with_baseline ? " baseline s | ratio | verdict |" : "");
        printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%s\n",
               with_baseline ? "---|---|---|" : "");
        for (int k = 0; k < g->n_configs; k++) {
            const compare_row *r = &g->configs[k];
            row_cells c;
            row_cells_fill(r, &c);
            printf("| %d | %d | %s | %s | %s | %d | %.3f | %.3f–%.3f | %s | %s | %.2f | %.0f | %.1f | %s |",
                   r->ranks, r->threads, r->thread_mode, r->distribute, r->engine, r->runs,
                   r->wall_s, r->wall_s_min, r->wall_s_max, c.speedup, c.efficiency,
                   r->transfer_pct, r->load_pct, r->rss_mb, check_label(r, 1));
            if (with_baseline)
                printf(" %s | %s | %s |", c.baseline, c.ratio, verdict_label(r, 1));
            putchar('\n');
        }
        if (g->rounding)
            printf("\nok\\*: %d configuration(s) carry another checksum only by rounding at "
                   "an integer, which svdrun checked on the double sums.\n", g->rounding);
        char fast[192], cheap[192];
        pick_label(&g->configs[g->fastest], fast, sizeof fast);
        pick_label(&g->configs[g->cheapest], cheap, sizeof cheap);
        printf("\nFastest: %s. Cheapest within 5%%: %s.\n", fast, cheap);
    }
}

/* A JSON number, or null for NAN. */
static json_t *jnum(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *row_json(const compare_group *g, int gi, int k)
{
    const compare_row *r = &g->configs[k];
    return json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s,"
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
                     "base", k == g->base, "fastest", k == g->fastest, "cheapest", k == g->cheapest,
                     "baseline_wall_s", jnum(r->baseline_wall_s), "ratio", jnum(r->ratio),
                     "verdict", r->verdict == COMPARE_NO_BASELINE
                                    ? json_null()
                                    : json_string(compare_verdict_name(r->verdict)));
}

/* The report as one JSON document on stdout. Returns 0, or -1: out of memory
 * (said), or a write error (left for stdout_written to say). */
static int print_json(const compare_report *rep)
{
    json_t *groups = json_array();
    int built = 1;
    for (int gi = 0; gi < rep->n; gi++) {
        const compare_group *g = &rep->groups[gi];
        json_t *rows = json_array();
        for (int k = 0; k < g->n_configs; k++)
            built &= json_array_append_new(rows, row_json(g, gi, k)) == 0;
        built &= json_array_append_new(groups,
            json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o}",
                      "name", g->name, "rows", (json_int_t)g->rows, "cols", (json_int_t)g->cols,
                      "count", (json_int_t)g->count, "seed", (json_int_t)g->seed,
                      "vectors", g->vectors, "driver", g->driver, "hosts", g->hosts,
                      "checksum", g->checksum, "agree", g->disagree == 0,
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
        fprintf(stderr, "svdreport: out of memory\n");
        return -1;
    }
    int rc = json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
    json_decref(doc);
    putchar('\n');
    if (rc != 0 && !ferror(stdout))
        fprintf(stderr, "svdreport: out of memory writing the JSON\n");
    return rc != 0 ? -1 : 0;
}

/* Whether all that went to standard output reached it; says why not. */
static int stdout_written(void)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 1;
    fprintf(stderr, "svdreport: cannot write standard output%s%s\n", errno ? ": " : "",
            errno ? strerror(errno) : "");
    return 0;
}

/* Whether an executable named prog is on PATH. */
static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char dir[4096], full[4200];
    for (const char *p = path; *p;) {
        size_t l = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s", (int)l, l ? p : ".");
        snprintf(full, sizeof full, "%s/%s", dir, prog);
        if (access(full, X_OK) == 0)
            return 1;
        p += l + (p[l] == ':');
    }
    return 0;
}

/* The output file of group gi: out for the first, out-2.png etc. after. */
static void plot_path(const char *out, int gi, char *buf, size_t len)
{
    if (gi == 0) {
        snprintf(buf, len, "%s", out);
        return;
    }
    const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
    if (!dot || (slash && dot < slash))
        dot = out + strlen(out);
    snprintf(buf, len, "%.*s-%d%s", (int)(dot - out), out, gi + 1, dot);
}

/* A gnuplot single-quoted string: a quote inside is doubled; a line break,
 * which would end the command, becomes a space. */
static void gp_quote(FILE *gp, const char *s)
{
    fputc('\'', gp);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', gp);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, gp);
    }
    fputc('\'', gp);
}

/* Writes one group's figure: speedup against cores, and where the time goes.
 * Returns 0 or ENOMEM. */
static int plot_group(FILE *gp, const compare_group *g, const char *path)
{
    char title[512];
    group_title(g, title, sizeof title);
    fprintf(gp, "set terminal pngcairo size 1400,560 enhanced font 'sans,10'\nset output ");
    gp_quote(gp, path);
    fprintf(gp, "\nset multiplot layout 1,2 title ");
    char full[1024];
    snprintf(full, sizeof full, "svdrun %s  (hosts: %s)", title, g->hosts);
    gp_quote(gp, full);
    fprintf(gp, " font 'sans,12'\n");

    /* one series per thread mode x threads per rank x distribute x engine */
    int n_series = 0;
    int *series_of = malloc((size_t)g->n_configs * sizeof *series_of);
    if (!series_of)
        return ENOMEM;
    for (int k = 0; k < g->n_configs; k++) {
        const compare_row *r = &g->configs[k];
        series_of[k] = -1;
        for (int j = 0; j < k && series_of[k] < 0; j++) {
            const compare_row *o = &g->configs[j];
            if (o->threads == r->threads && !strcmp(o->thread_mode, r->thread_mode) &&
                !strcmp(o->distribute, r->distribute) && !strcmp(o->engine, r->engine) &&
                !strcmp(o->hosts, r->hosts))
                series_of[k] = series_of[j];
        }
        if (series_of[k] < 0)
            series_of[k] = n_series++;
    }
    int have_base = g->base >= 0;
    for (int s = 0; s < n_series; s++) {
        fprintf(gp, "$S%d << EOD\n", s);
        for (int k = 0; k < g->n_configs; k++)
            if (series_of[k] == s)
                fprintf(gp, "%d %.9g\n", g->configs[k].cores,
                        have_base ? g->configs[k].speedup : g->configs[k].wall_s);
        fprintf(gp, "EOD\n");
    }
    int max_cores = 1;
    for (int k = 0; k < g->n_configs; k++)
        if (g->configs[k].cores > max_cores)
            max_cores = g->configs[k].cores;
    fprintf(gp, "set grid\nset key top left box opaque\nset xlabel 'cores used (ranks x threads)'\n"
                "set xrange [0.5:%g]\nset xtics 1\n", max_cores + 0.5);
    if (have_base) {
        const compare_row *b = &g->configs[g->base];
        fprintf(gp, "set title 'Speedup over %dx%d %s %s (median wall time)'\n"
                    "set ylabel 'speedup'\nset yrange [0:*]\n",
                b->ranks, b->threads, b->thread_mode, b->distribute);
    } else {
        fprintf(gp, "set title 'Median wall time (no 1x1 base row)'\nset ylabel 'wall time [s]'\n"
                    "set yrange [0:*]\n");
    }
    fprintf(gp, "plot ");
    for (int s = 0; s < n_series; s++) {
        int k = 0;
        while (series_of[k] != s)
            k++;
        const compare_row *r = &g->configs[k];
        char name[160];
        snprintf(name, sizeof name, "%s, %d thread%s/rank, %s%s%s", r->thread_mode, r->threads,
                 r->threads > 1 ? "s" : "", r->distribute, strcmp(r->engine, RECORD_LAPACK) ? ", " : "",
                 strcmp(r->engine, RECORD_LAPACK) ? r->engine : "");
        fprintf(gp, "%s$S%d using 1:2 with linespoints lw 2 pt 7 title ", s ? ", " : "", s);
        gp_quote(gp, name);
    }
    if (have_base)
        fprintf(gp, ", x/%d with lines dt 2 lc 'gray40' title 'ideal'",
                g->configs[g->base].cores);
    fprintf(gp, "\n");

    /* panel 2: stacked seconds per configuration */
    fprintf(gp, "$T << EOD\n");
    for (int k = 0; k < g->n_configs; k++) {
        const compare_row *r = &g->configs[k];
        double other = r->wall_s - r->svd_s - r->transfer_s - r->gather_s;
        char label[128];
        config_label(r, label, sizeof label);
        fprintf(gp, "\"%s\" %.9g %.9g %.9g %.9g\n", label, r->svd_s, r->transfer_s, r->gather_s,
                other > 0 ? other : 0.0);
    }
    fprintf(gp, "EOD\n"
                "unset xrange\nset xtics rotate by -35 left\nset xlabel ''\nset yrange [0:*]\n"
                "set title 'Where the wall time goes (slowest rank, median run)'\n"
                "set ylabel 'seconds'\nset style data histograms\n"
                "set style histogram rowstacked\nset style fill solid 0.85 border -1\n"
                "set boxwidth 0.7\nset key below horizontal\n"
                "plot $T using 2:xtic(1) title 'SVD (LAPACK)' lc rgb '#4477aa', "
                "'' using 3 title 'transfer' lc rgb '#ee6677', "
                "'' using 4 title 'gather' lc rgb '#228833', "
                "'' using 5 title 'other (generation, waiting)' lc rgb '#bbbbbb'\n"
                "unset multiplot\nunset output\nreset\n");
    free(series_of);
    return 0;
}

/* Writes every group's PNG and names each on paths_to (stderr when stdout
 * carries CSV or JSON). Returns 0 or EXIT_RUNTIME with the reason said. */
static int plot_all(const compare_report *rep, const char *out, FILE *paths_to)
{
    if (!on_path("gnuplot")) {
        fprintf(stderr, "svdreport: --plot needs gnuplot, which is not on PATH "
                        "(Debian: apt-get install gnuplot-nox; scripts/deps.sh installs it)\n");
        return EXIT_RUNTIME;
    }
    FILE *gp = popen("gnuplot", "w");
    if (!gp) {
        fprintf(stderr, "svdreport: cannot start gnuplot: %s\n", strerror(errno));
        return EXIT_RUNTIME;
    }
    /* a gnuplot that exits early breaks the pipe: a write error to say, not a
     * death by SIGPIPE (set after popen, so gnuplot keeps the default) */
    void (*sigpipe)(int) = signal(SIGPIPE, SIG_IGN);
    /* each path is made again where needed, not kept: 5,000 groups' were 20 MB of stack */
    char path[4096];
    int oom = 0;
    for (int gi = 0; gi < rep->n && !oom && !ferror(gp); gi++) {
        plot_path(out, gi, path, sizeof path);
        oom = plot_group(gp, &rep->groups[gi], path) != 0;
    }
    errno = 0;
    int unwritten = fflush(gp) != 0 || ferror(gp), saved = errno;
    int status = pclose(gp);
    signal(SIGPIPE, sigpipe);
    if (oom) {
        fprintf(stderr, "svdreport: out of memory\n");
        return EXIT_RUNTIME;
    }
    if (status != 0) {
        fprintf(stderr, "svdreport: gnuplot failed (status %d) writing %s\n", status, out);
        return EXIT_RUNTIME;
    }
    if (unwritten) {
        fprintf(stderr, "svdreport: cannot write to gnuplot: %s\n",
                saved ? strerror(saved) : "write error");
        return EXIT_RUNTIME;
    }
    for (int gi = 0; gi < rep->n; gi++) {
        struct stat st;
        plot_path(out, gi, path, sizeof path);
        if (stat(path, &st) != 0 || st.st_size == 0) {
            fprintf(stderr, "svdreport: gnuplot wrote no %s\n", path);
            return EXIT_RUNTIME;
        }
        fprintf(paths_to, "plot: %s\n", path);
    }
    return 0;
}

/* Reads the n files into set, each bad line said. Returns 0, EXIT_USAGE when
 * a file cannot be read (said), or EXIT_RUNTIME when memory runs out (said). */
static int read_files(char *const *paths, int n, history_set *set)
{
    int code = EXIT_OK;
    for (int i = 0; i < n && code != EXIT_RUNTIME; i++) {
        int bad = history_read_file(paths[i], set, stderr);
        if (bad == -ENOMEM) {
            fprintf(stderr, "svdreport: out of memory reading %s\n", paths[i]);
            code = EXIT_RUNTIME;
        } else if (bad < 0) {
            code = EXIT_USAGE;
        }
    }
    return code;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"base", required_argument, NULL, OPT_BASE},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int format = FORMAT_TABLE, c;
    const char *plot = NULL;
    char *baselines[64];
    int n_baselines = 0;
    double threshold = 0.05;
    compare_base_spec base;
    compare_default_base(&base);
    char err[256];

    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (!strcmp(optarg, "table")) format = FORMAT_TABLE;
            else if (!strcmp(optarg, "csv")) format = FORMAT_CSV;
            else if (!strcmp(optarg, "markdown")) format = FORMAT_MARKDOWN;
            else if (!strcmp(optarg, "json")) format = FORMAT_JSON;
            else {
                fprintf(stderr, "svdreport: --format: unknown '%s' (table, csv, markdown, json)\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_BASE:
            if (compare_parse_base(optarg, &base, err, sizeof err) != 0) {
                fprintf(stderr, "svdreport: %s\n", err);
                return EXIT_USAGE;
            }
            break;
        case OPT_BASELINE:
            if (n_baselines == 64) {
                fprintf(stderr, "svdreport: at most 64 --baseline files\n");
                return EXIT_USAGE;
            }
            baselines[n_baselines++] = optarg;
            break;
        case OPT_THRESHOLD:
            if (baseline_parse_threshold(optarg, &threshold) != 0) {
                fprintf(stderr, "svdreport: --threshold: '%s' is not a percentage such as 5%%\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_PLOT:
            plot = optarg;
            break;
        case 'h':
            usage(stdout);
            return stdout_written() ? EXIT_OK : EXIT_RUNTIME;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "svdreport: no records file given\n");
        usage(stderr);
        return EXIT_USAGE;
    }

    history_set set = {0}, old = {0};
    compare_report rep = {0};
    int code = read_files(argv + optind, argc - optind, &set);
    int code_old = read_files(baselines, n_baselines, &old);
    code = code > code_old ? code : code_old;
    if (code == EXIT_OK && set.n == 0) {
        fprintf(stderr, "svdreport: no valid record in the given file(s)\n");
        code = EXIT_USAGE;
    }
    if (code != EXIT_OK)
        goto out;
    /* from here no failure is the user's: memory and writes are runtime failures */
    code = EXIT_RUNTIME;
    if (compare_build(&set, &base, &rep) != 0) {
        fprintf(stderr, "svdreport: out of memory summarising the records\n");
        goto out;
    }
    int regressions = n_baselines ? baseline_apply(&rep, &old, threshold) : 0;
    if (regressions < 0) {
        fprintf(stderr, "svdreport: out of memory comparing with the baseline\n");
        goto out;
    }
    int disagree = 0;
    for (int g = 0; g < rep.n; g++)
        disagree += rep.groups[g].disagree;

    int failed = 0;
    switch (format) {
    case FORMAT_CSV: print_csv(&rep); break;
    case FORMAT_MARKDOWN: print_markdown(&rep, n_baselines > 0); break;
    case FORMAT_JSON: failed = print_json(&rep) != 0; break;
    default: print_table(&rep, n_baselines > 0, threshold); break;
    }
    if (!stdout_written() || failed)
        goto out;
    code = disagree || regressions > 0 ? EXIT_DIFFER : EXIT_OK;
    if (plot) {
        int data = format == FORMAT_CSV || format == FORMAT_JSON;
        int rc = plot_all(&rep, plot, data ? stderr : stdout);
        if (rc)
            code = rc;
        else if (!data && !stdout_written())
            code = EXIT_RUNTIME;
    }
out:
    compare_report_free(&rep);
    history_set_free(&set);
    history_set_free(&old);
    return code;
}
