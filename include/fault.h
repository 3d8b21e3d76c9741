/* fault: failures injected on purpose by the test build (SVDRUN_FAULT); a no-op in build/svdrun and build/svdreport. */
#ifndef SVDRUN_FAULT_H
#define SVDRUN_FAULT_H

/* SVDRUN_FAULT=RANK:PHASE[,RANK:PHASE...] (RANK a world rank or '*') makes
 * fault_here(PHASE, rank) true on that rank, so the code there takes its
 * failure path. The phases, each the failure its caller handles:
 *   job        rank 0 finds the job invalid (exit 2 before any collective)
 *   prepare    rank 0 fails its checks before the sweep (exit 3)
 *   alloc      the rank's buffers or workspaces cannot be allocated
 *   lapack     LAPACK returns info > 0 for the rank's first matrix
 *   checkpoint the rank's checkpoint write fails (I/O error)
 *   stop       the rank stops as if signalled, after its first matrix
 *   compute    the rank fails (as on an I/O error) after its first matrix
 *   crash      the rank kills itself with SIGKILL after its first matrix
 *   gather     the rank fails just before the result gather
 *   results    rank 0 cannot write --results (I/O error)
 *   hang       the rank sleeps forever before its first matrix (for --timeout)
 *   set_size   the rank cannot size an output file (--values, --u, --vt)
 *   agree      the rank's stop agreement of a ScaLAPACK group fails (an MPI error)
 *   checkpoint_close  the rank cannot sync its checkpoint at the end
 *   window     the dynamic schedule's counter window fails on the rank (after it exists)
 *   grab       the rank fails between its first and second grab of the dynamic schedule
 *   disagree   (rank 0) the second candidate of a --tune race's round 0 gets its first
 *              slice matrix's result one too high, for the vote to catch
 *   tune_rest  the rank stops as if signalled when a --tune race is over, before the rest
 * and in svdreport (no MPI: rank 0), memory that runs out
 *   records    growing the record list while reading a file
 *   summarise  compare_build, summarising the records
 *   baseline   baseline_apply, matching the --baseline rows
 * In build/svdrun and build/svdreport the function is a constant 0 and the
 * hooks compile away. */
#ifdef SVDRUN_TEST_HOOKS
int fault_here(const char *phase, int rank);
#else
static inline int fault_here(const char *phase, int rank)
{
    (void)phase;
    (void)rank;
    return 0;
}
#endif

#endif
