/* plot: svdreport's figures, one PNG per group, drawn by gnuplot through a pipe. */
#ifndef SVDRUN_PLOT_H
#define SVDRUN_PLOT_H

#include <stdio.h>

#include "compare.h"

/* Writes each group's figure, speedup against cores beside where the wall
 * time goes, to out for the first group and out-2.png, out-3.png, ... after
 * (the suffix goes before out's extension), with the gnuplot found on PATH
 * (the caller checks that there is one). Then names each file on paths_to as
 * "plot: PATH". SIGPIPE is ignored while gnuplot runs.
 * Returns 0, or -1 with the reason said on errors as "svdreport: reason":
 * gnuplot cannot start, fails, cannot be written to or writes no file, or
 * memory runs out. */
int plot_write(const compare_report *rep, const char *out, FILE *paths_to, FILE *errors);

#endif
