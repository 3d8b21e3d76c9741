/* saveset: the generated set written as one .npy array (--save-matrices), for numpy or a later --input. */
#ifndef SVDRUN_SAVESET_H
#define SVDRUN_SAVESET_H

#include <stddef.h>

#include "job.h"

/* Streams the generated set to path as one .npy array (count, rows, cols)
 * in dtype (matgen_fill_as), C order, one matrix in memory at a time, under
 * a temporary name renamed into place. Returns 0, or -1 with "path: reason"
 * in err. */
int saveset_write(const job_t *job, dtype_t dtype, const char *path, char *err, size_t errlen);

#endif
