/* budget: what a rank allocates for a configuration (buffers, workspaces, scatter rounds), and the memory check before any allocation. */
#ifndef SVDRUN_BUDGET_H
#define SVDRUN_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "matset.h"
#include "plan.h"
#include "sysinfo.h"

/* Bytes a scatter message aims for: each message costs ~15 us here whatever
 * its size, so small matrices travel in groups instead of one by one. */
#define BUDGET_SCATTER_MSG_BYTES (256 * 1024)
#define BUDGET_SCATTER_GROUP_MAX 256

/* Matrices computed at once by one rank: one per thread in batch mode. */
int budget_concurrency(const plan_config *cfg);

/* Matrices a rank receives per scatter round: the concurrency times the
 * number of matrices that fit one message, but never more than max_chunk
 * (the largest chunk), and at least 1. */
int budget_scatter_round(const matset *set, const plan_config *cfg, int64_t max_chunk);

/* A buffer for any matrix of the set: its largest one's elements and
 * svd_input_pad of its largest sides, in bytes padded to a cache line. */
size_t budget_slot_bytes(const matset *set, dtype_t dtype);

/* Estimated peak bytes of one rank in cfg: matrix buffers (of the set's
 * largest matrix) plus one SVD workspace for all n_shapes shapes (pairs, as
 * LAPACK takes them; cfg's kernel) per concurrent SVD, the result slots
 * (dynamic: up to every matrix), the transpose buffer of
 * the U and V^T outputs asked in outputs (--values, --u, --vt; may be NULL),
 * and the scatter buffers (root: its send buffers), whose rounds never
 * exceed the largest chunk. 0 when the workspace query fails. */
size_t budget_peak_bytes(const job_t *job, const matset *set, const int64_t *shapes,
                         int64_t n_shapes, const plan_config *cfg, int root,
                         const char *const outputs[3]);

/* Rank 0, before anything is allocated: refuses the plan when a runnable
 * configuration's estimated peak on some host exceeds that host's available
 * memory, or when LAPACK's workspace query fails. Returns 0, or -1 with a
 * message giving both numbers in err. */
int budget_check_memory(const job_t *job, const matset *set, const int64_t *shapes,
                        int64_t n_shapes, const plan_t *plan, const char *const outputs[3],
                        const sysinfo_rank *ranks, int nranks, char *err, size_t errlen);

#endif
