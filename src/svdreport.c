/* svdreport: compares svdrun --json records across runs; the command line and the exit codes (no MPI). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "baserow.h"
#include "compare.h"
#include "history.h"
#include "plot.h"
#include "tables.h"

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
            "                                     (keys ranks, threads, thread_mode, distribute,\n"
            "                                     engine, dtype; default: 1 rank x 1 thread,\n"
            "                                     float64 where the set has it)\n"
            "  --baseline OLD.jsonl               compare with older records (repeat the flag\n"
            "                                     for several files)\n"
            "  --threshold 5%%                     slowdown beyond which a row regressed (default\n"
            "                                     5%%; 5 and 5%% are the same)\n"
            "  --plot OUT.png                     one PNG per matrix set (OUT-2.png, ... after the\n"
            "                                     first), and a busy/idle chart where records\n"
            "                                     carry per-rank times (OUT-busy.png, ...); the\n"
            "                                     paths go to stdout, or to stderr with csv and json\n"
            "  -h, --help\n\n"
            "Exit codes: 0 ok, 1 results disagree or a regression, 2 usage or no valid record,\n"
            "3 a runtime failure: out of memory, standard output not written, or the plot\n"
            "failed (gnuplot missing or erring).\n");
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

/* Writes every group's PNG and names each on paths_to (stderr when stdout
 * carries CSV or JSON). Returns 0 or EXIT_RUNTIME with the reason said. */
static int plot_all(const compare_report *rep, const char *out, FILE *paths_to)
{
    if (!on_path("gnuplot")) {
        fprintf(stderr, "svdreport: --plot needs gnuplot, which is not on PATH "
                        "(Debian: apt-get install gnuplot-nox; scripts/deps.sh installs it)\n");
        return EXIT_RUNTIME;
    }
    return plot_write(rep, out, paths_to, stderr) != 0 ? EXIT_RUNTIME : EXIT_OK;
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
    baserow_spec base;
    baserow_default(&base);
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
            if (baserow_parse(optarg, &base, err, sizeof err) != 0) {
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
    case FORMAT_CSV: tables_csv(stdout, &rep); break;
    case FORMAT_MARKDOWN: tables_markdown(stdout, &rep, n_baselines > 0); break;
    case FORMAT_JSON: failed = tables_json(stdout, &rep, stderr) != 0; break;
    default: tables_text(stdout, &rep, n_baselines > 0, threshold); break;
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
