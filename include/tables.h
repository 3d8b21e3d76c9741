/* tables: svdreport's groups written as text tables, CSV, Markdown or one JSON document. */
#ifndef SVDRUN_TABLES_H
#define SVDRUN_TABLES_H

#include <stdio.h>

#include "compare.h"

/* Writes one table per group onto out, each row's check (and, with_baseline,
 * its baseline columns), then the group's notes and recommendation;
 * threshold (0.05: 5%) is named in the regression note.
 * Cannot fail: a write error is left in out's error flag. */
void tables_text(FILE *out, const compare_report *rep, int with_baseline, double threshold);

/* Writes one CSV row per configuration of every group onto out, under one
 * header line; a number that is not one (no base row, no baseline) is empty.
 * Cannot fail: a write error is left in out's error flag. */
void tables_csv(FILE *out, const compare_report *rep);

/* Writes one Markdown section and table per group onto out, as
 * tables_text does. Cannot fail: a write error is left in out's error flag. */
void tables_markdown(FILE *out, const compare_report *rep, int with_baseline);

/* Writes the report as one JSON document onto out ("groups", each with its
 * "configurations"; null where a number is not one).
 * Returns 0; ENOMEM, said on errors as "svdreport: out of memory..."; or EIO,
 * not said: the write error is left in out's error flag. */
int tables_json(FILE *out, const compare_report *rep, FILE *errors);

#endif
