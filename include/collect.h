/* collect: the work list, each rank's bounds in it (MPI_Scatter), and the end of a configuration: agreement, MPI_Gather of results and figures. */
#ifndef SVDRUN_COLLECT_H
#define SVDRUN_COLLECT_H

#include <mpi.h>
#include <stdint.h>

#include "job.h"
#include "matset.h"
#include "outcome.h"
#include "svd.h"
#include "work.h"

/* Collective over comm, the start of every configuration: the work list,
 * the matrices done (NULL: none) does not flag, in order (*todo NULL when
 * all are to do; every rank derives the same list from the same map), its
 * largest part *max_chunk, and this rank's bounds [mine[0], mine[1]) in it,
 * which rank 0 deals as the seed's parent dealt chunks: part r / per_part
 * of n_parts. Returns OUTCOME_OK; OUTCOME_ENOMEM when the list could not be
 * made (the bounds are dealt all the same, for the ranks to agree on it
 * later); or OUTCOME_EMPI, with *todo freed, when the deal failed. */
int collect_start(const job_t *job, const uint8_t *done, MPI_Comm comm, int n_parts, int per_part,
                  int64_t **todo, int64_t *n_work, int64_t *max_chunk, int64_t mine[2]);

/* Collective over comm, schedule cost: rank 0 orders the n_work positions
 * by modelled cost (sched_order) and deals them to the ranks by LPT; each
 * rank receives its part, largest first (MPI_Scatterv), as the CSR *seq,
 * *seq_off (work_state's seq): rank 0 keeps every rank's part, the others
 * only their own. Returns OUTCOME_OK, OUTCOME_ENOMEM or OUTCOME_EMPI, the
 * same on every rank; the caller frees both arrays either way. */
int collect_assign(const matset *set, const job_t *job, const int64_t *todo, int64_t n_work,
                   MPI_Comm comm, int64_t **seq, int64_t **seq_off);

/* Collective over comm, the end of every configuration: the stop channel
 * closed, the ranks agree on a status, then (when all went well) a barrier,
 * so waiting for the slowest rank stays out of gather_s, MPI_Gatherv of
 * the n_local results each rank holds in its slots (with their positions
 * and times: any schedule, and for scalapack only each group's leader has
 * any), and each rank's stats. Fills out on rank 0, with prior's results
 * of the matrices done flags (a resume), and the balance figures. Returns
 * the agreed status. */
/* Collective over comm after collect_outcome, given its agreed status:
 * when OUTCOME_OK, every rank's kept sigma (probe.h) onto rank 0 with
 * MPI_MAX (each matrix was kept by the one rank, or group leader, that
 * computed it: its values beat the others' -1), waited for lazily, and
 * moved into out->probe on rank 0. probe is freed on every rank. Returns
 * status, or OUTCOME_EMPI when the reduction failed (on every rank that
 * saw it; the caller's final agreement spreads it). */
int collect_probe(probe_t *probe, MPI_Comm comm, int status, outcome_t *out);

int collect_outcome(const job_t *job, const uint8_t *done, const svd_result *prior,
                    const work_state *st, MPI_Comm comm, int status, int64_t n_local,
                    double cpu0, double t_start, outcome_t *out);

#endif
