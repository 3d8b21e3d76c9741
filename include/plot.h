/* plot: svdreport's figures, one PNG per group and its busy/idle chart, drawn by gnuplot through a pipe. */
#ifndef SVDRUN_PLOT_H
#define SVDRUN_PLOT_H

#include <stdio.h>

#include "compare.h"

/* Writes each group's figure, speedup against cores beside where the wall
 * time goes, to out for the first group and out-2.png, out-3.png, ... after
 * (the suffix goes before out's extension), with the gnuplot found on PATH
 * (the caller checks that there is one). A group with per-rank times
 * (rank_busy_s) gets a second file, its busy/idle chart: the figure's path
 * with "-busy" before the extension (out-busy.png, out-2-busy.png). Then
 * names each file on paths_to as "plot: PATH", in that order. SIGPIPE is
 * ignored while gnuplot runs.
 * Returns 0, or -1 with the reason said on errors as "svdreport: reason":
 * gnuplot cannot start, fails, cannot be written to or writes no file, or
 * memory runs out. */
int plot_write(const compare_report *rep, const char *out, FILE *paths_to, FILE *errors);

#endif
