/* plot: svdreport's figures, one PNG per group and its busy/idle chart, drawn by gnuplot through a pipe. */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dtype.h"
#include "labels.h"
#include "record.h"

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

/* The busy/idle chart of group gi: its figure's path with "-busy" before
 * the extension (out-busy.png, out-2-busy.png, ...). */
static void busy_path(const char *out, int gi, char *buf, size_t len)
{
    char fig[4096];
    plot_path(out, gi, fig, sizeof fig);
    const char *dot = strrchr(fig, '.'), *slash = strrchr(fig, '/');
    if (!dot || (slash && dot < slash))
        dot = fig + strlen(fig);
    snprintf(buf, len, "%.*s-busy%s", (int)(dot - fig), fig, dot);
}

/* The bars of group g's busy/idle chart: one per rank of each row whose
 * balance record has per-rank times; 0: the group has no such chart. */
static int busy_bars(const compare_group *g)
{
    int bars = 0;
    for (int k = 0; k < g->n_configs; k++)
        if (g->configs[k].detail)
            bars += g->configs[k].detail->n_rank_s;
    return bars;
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
    labels_group(g, title, sizeof title);
    fprintf(gp, "set terminal pngcairo size 1400,560 enhanced font 'sans,10'\nset output ");
    gp_quote(gp, path);
    fprintf(gp, "\nset multiplot layout 1,2 title ");
    char full[1024];
    snprintf(full, sizeof full, "svdrun %s  (hosts: %s)", title, g->hosts);
    gp_quote(gp, full);
    fprintf(gp, " font 'sans,12'\n");

    /* one series per thread mode x threads per rank x distribute x engine x schedule x
     * dtype, tuned launches apart */
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
                !strcmp(o->schedule, r->schedule) && !strcmp(o->hosts, r->hosts) &&
                o->dtype == r->dtype && o->tuned == r->tuned)
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
        int typed = b->dtype != DTYPE_F64;
        fprintf(gp, "set title 'Speedup over %dx%d %s %s%s%s (median wall time)'\n"
                    "set ylabel 'speedup'\nset yrange [0:*]\n",
                b->ranks, b->threads, b->thread_mode, b->distribute, typed ? " " : "",
                typed ? dtype_name(b->dtype) : "");
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
        char name[192];
        int other_engine = strcmp(r->engine, RECORD_LAPACK) != 0;
        int other_sched = strcmp(r->schedule, RECORD_STATIC) != 0;
        int other_dtype = r->dtype != DTYPE_F64;
        snprintf(name, sizeof name, "%s, %d thread%s/rank, %s%s%s%s%s%s%s%s", r->thread_mode,
                 r->threads, r->threads > 1 ? "s" : "", r->distribute, other_engine ? ", " : "",
                 other_engine ? r->engine : "", other_sched ? ", " : "",
                 other_sched ? r->schedule : "", other_dtype ? ", " : "",
                 other_dtype ? dtype_name(r->dtype) : "", r->tuned ? ", tuned (race + rest)" : "");
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
        labels_config(r, label, sizeof label);
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

/* Writes group g's busy/idle chart: for each row with per-rank times (its
 * balance record's), one stacked bar per rank: busy (rank_busy_s), waiting
 * inside its loop (rank_loop_s - busy) and idle after it until the
 * makespan (makespan_s - rank_loop_s), so every bar reaches the makespan.
 * Rows in table order, a gap between them: a layout's schedules side by
 * side. The data block $B has one line per bar: x, rank, then the tops of
 * busy, waiting and idle. Cannot fail. */
static void plot_busy(FILE *gp, const compare_group *g, const char *path)
{
    int bars = busy_bars(g), x = 0;
    fprintf(gp, "$B << EOD\n");
    for (int k = 0; k < g->n_configs; k++) {
        const history_record *d = g->configs[k].detail;
        for (int r = 0; d && r < d->n_rank_s; r++) {
            double busy = d->rank_busy_s[r], loop = fmax(d->rank_loop_s[r], busy);
            fprintf(gp, "%d \"r%d\" %.9g %.9g %.9g\n", x++, r, busy, loop,
                    fmax(d->makespan_s, loop));
        }
        x += d && d->n_rank_s ? 1 : 0;
    }
    fprintf(gp, "EOD\n");
    int width = 500 + 44 * bars;
    width = width < 1000 ? 1000 : width > 4000 ? 4000 : width;
    char title[512];
    labels_group(g, title, sizeof title);
    fprintf(gp, "set terminal pngcairo size %d,640 noenhanced font 'sans,10'\nset output ", width);
    gp_quote(gp, path);
    fprintf(gp, "\nset title 'Each rank\'\'s busy and idle time (the run nearest the median "
                "wall time)'.\"\\n\".");
    gp_quote(gp, title);
    fprintf(gp, "\nset grid ytics\nset yrange [0:*]\nset xrange [-1:%d]\nset ylabel 'seconds'\n"
                "set xtics scale 0 font ',8'\nset style fill solid 0.85 border -1\n"
                "set boxwidth 0.8\nset key outside top right vertical\nset bmargin 9\n", x);
    /* each configuration named under its bars */
    x = 0;
    for (int k = 0; k < g->n_configs; k++) {
        const compare_row *row = &g->configs[k];
        if (!row->detail || row->detail->n_rank_s == 0)
            continue;
        char label[128];
        labels_config(row, label, sizeof label);
        fprintf(gp, "set label ");
        gp_quote(gp, label);
        fprintf(gp, " at first %g, graph -0.06 rotate by -25 left font ',8'\n", x - 0.4);
        x += row->detail->n_rank_s + 1;
    }
    fprintf(gp, "plot $B using 1:5:xtic(2) with boxes lc rgb '#bbbbbb' "
                "title 'idle until the makespan', "
                "'' using 1:4 with boxes lc rgb '#ccbb44' title 'waiting in its loop', "
                "'' using 1:3 with boxes lc rgb '#4477aa' title 'busy'\n"
                "unset output\nreset\n");
}

int plot_write(const compare_report *rep, const char *out, FILE *paths_to, FILE *errors)
{
    FILE *gp = popen("gnuplot", "w");
    if (!gp) {
        fprintf(errors, "svdreport: cannot start gnuplot: %s\n", strerror(errno));
        return -1;
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
        if (!oom && busy_bars(&rep->groups[gi])) {
            busy_path(out, gi, path, sizeof path);
            plot_busy(gp, &rep->groups[gi], path);
        }
    }
    errno = 0;
    int unwritten = fflush(gp) != 0 || ferror(gp), saved = errno;
    int status = pclose(gp);
    signal(SIGPIPE, sigpipe);
    if (oom) {
        fprintf(errors, "svdreport: out of memory\n");
        return -1;
    }
    if (status != 0) {
        fprintf(errors, "svdreport: gnuplot failed (status %d) writing %s\n", status, out);
        return -1;
    }
    if (unwritten) {
        fprintf(errors, "svdreport: cannot write to gnuplot: %s\n",
                saved ? strerror(saved) : "write error");
        return -1;
    }
    for (int i = 0; i < 2 * rep->n; i++) {
        struct stat st;
        int gi = i / 2;
        if (i % 2 == 0)
            plot_path(out, gi, path, sizeof path);
        else if (busy_bars(&rep->groups[gi]))
            busy_path(out, gi, path, sizeof path);
        else
            continue;
        if (stat(path, &st) != 0 || st.st_size == 0) {
            fprintf(errors, "svdreport: gnuplot wrote no %s\n", path);
            return -1;
        }
        fprintf(paths_to, "plot: %s\n", path);
    }
    return 0;
}
