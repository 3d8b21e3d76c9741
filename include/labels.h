/* labels: how svdreport names a matrix set and a configuration in words (tables, plots). */
#ifndef SVDRUN_LABELS_H
#define SVDRUN_LABELS_H

#include <stddef.h>

#include "compare.h"

/* A group's matrix set in words: "seed: 16 matrices of 1000 x 1000, seed 42,
 * vectors none, gesdd", or for a mixed set "mix: 18 matrices of mixed shapes
 * 2000x2000:2,1000x300:16, seed 42, vectors none, gesdd". A title cut short at len. Cannot fail. */
void labels_group(const compare_group *g, char *buf, size_t len);

/* A row's configuration in words, "2x1 blas regenerate", then its engine
 * unless that is plain lapack, then its schedule unless that is static,
 * then its dtype unless that is float64 (record_label; the row's engine is
 * already its label), then " tuned" for a tuned launch. A name cut short at
 * len. Cannot fail. */
void labels_config(const compare_row *r, char *buf, size_t len);

/* A tuned row's tuning in a sentence, from its tune_run: "tuned: winner 2x1
 * blas regenerate dynamic from a race of 8 candidates; race 4.100 s of
 * 65.200 s (overhead 4.4%); predicted 61.000 s, rest took 61.100 s" (the
 * disagreeing and skipped candidates counted after the candidates where
 * there are any); "from the tuning database, no race; launch 65.200 s" for
 * a winner taken from the database. "" for a plain row. A sentence cut short
 * at len. Cannot fail. */
void labels_tuned(const compare_row *r, char *buf, size_t len);

#endif
