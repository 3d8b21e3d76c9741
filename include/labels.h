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
 * unless that is plain lapack, then its schedule unless that is static
 * (record_label; the row's engine is already its label). A name cut short at len. Cannot fail. */
void labels_config(const compare_row *r, char *buf, size_t len);

#endif
