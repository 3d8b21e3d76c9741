/* cost: the modelled cost of each SVD, and how the cost and dynamic schedules share a work list among workers. */
#ifndef SVDRUN_COST_H
#define SVDRUN_COST_H

#include <stdint.h>

#include "job.h"
#include "matset.h"

/* Flops charged to every SVD whatever its size: the call, the workspace
 * set-up and the generation of a small matrix (about 5 us here), so that
 * thousands of tiny matrices are not modelled as free. */
#define COST_CALL_FLOPS 2.0e4

/* The modelled cost of one m x n SVD, in flops: Golub and Van Loan's counts
 * (Matrix Computations, 4th ed., fig. 8.6.1) for m >= n (a wide matrix
 * costs as its transpose), the cheaper of Golub-Reinsch and R-SVD (a QR
 * first), which is LAPACK's own choice:
 * - sigma only: 4mn^2 - 4n^3/3, or 2mn^2 + 2n^3;
 * - thin (U1, V): 14mn^2 + 8n^3, or 6mn^2 + 20n^3;
 * - full (U, V): 4m^2n + 8mn^2 + 9n^3, or 4m^2n + 22n^3, never below thin (the
 *   book's counts put a square full SVD under its thin one);
 * plus COST_CALL_FLOPS. The driver and kernel change the constant, not
 * the order, so one model serves them all. Cannot fail. */
double cost_flops(int64_t m, int64_t n, job_vectors vectors);

/* The work list largest first: the n_work positions (indexes into todo, or
 * matrix indexes when todo is NULL) sorted by modelled cost, descending,
 * ties by position, into order[n_work], and their costs into cost[n_work]
 * (both allocated by the caller). Returns 0 or ENOMEM. */
int cost_order(const matset *set, const int64_t *todo, int64_t n_work, job_vectors vectors,
                int64_t *order, double *cost);

/* LPT (Graham): each item of cost[n] (largest first) goes to the least
 * loaded of parts (ties: the lowest part), owner[i] its part; load[parts]
 * gets each part's sum. Deterministic. Returns 0 or ENOMEM. */
int cost_lpt(const double *cost, int64_t n, int parts, int *owner, double *load);

/* The dynamic schedule's chunks over cost[n] (largest first): chunk c is
 * items [bounds[c], bounds[c+1]). Each chunk takes items until its cost
 * reaches the remaining cost over 2 x workers (factoring: a grab takes half
 * of a fair share of what is left), and at least one item, so a chunk is
 * sized by cost, not count, and the tail is single small matrices.
 * bounds has room for n + 1 entries; *n_chunks is set. Cannot fail. */
void cost_chunks(const double *cost, int64_t n, int workers, int64_t *bounds, int64_t *n_chunks);

#endif
