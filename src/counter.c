/* counter: the dynamic schedule's shared chunk counter: a shared-memory window with C11 atomics on one node, MPI_Fetch_and_op across nodes, and the grabs' figures. */
#include "counter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "lazy.h"
#include "sysinfo.h"

int counter_open(counter_t *c, MPI_Comm comm, int64_t limit, int64_t max_grabs, int force_rma,
                 int wrank)
{
    memset(c, 0, sizeof *c);
    c->win = MPI_WIN_NULL;
    c->limit = limit;
    c->cap = max_grabs > 0 ? max_grabs : 1;
    int rank, size, node_size = 0, rc = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm node;
    if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node) != MPI_SUCCESS)
        return EIO;
    MPI_Comm_size(node, &node_size);
    MPI_Comm_free(&node);
    /* every rank computes the same kind from the same sizes */
    int all_local = node_size == size, local_everywhere = 0;
    if (MPI_Allreduce(&all_local, &local_everywhere, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
        return EIO;
    c->kind = local_everywhere && !force_rma ? COUNTER_SHM : COUNTER_RMA;
    MPI_Aint bytes = rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0;
    void *base = NULL;
    /* a window the library cannot make is an answer, not a crash: Open MPI
     * 4.1's osc/rdma fails when no one transport reaches every rank */
    MPI_Errhandler before;
    MPI_Comm_get_errhandler(comm, &before);
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    int made = c->kind == COUNTER_SHM
                   ? MPI_Win_allocate_shared(bytes, sizeof(int64_t), MPI_INFO_NULL, comm, &base,
                                             &c->win)
                   : MPI_Win_allocate(bytes, sizeof(int64_t), MPI_INFO_NULL, comm, &base, &c->win);
    MPI_Comm_set_errhandler(comm, before);
    MPI_Errhandler_free(&before);
    int ok = made == MPI_SUCCESS, all_ok = 0;
    if (MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
        return EIO;
    if (!all_ok) {
        /* freeing is collective over the window: only when every rank has one.
         * A window made here alone is left to MPI_Finalize. */
        c->win = MPI_WIN_NULL;
        return ENOTSUP;
    }
    c->open = 1;
    if (c->kind == COUNTER_SHM) {
        MPI_Aint got;
        int disp;
        if (MPI_Win_shared_query(c->win, 0, &got, &disp, &c->shared) != MPI_SUCCESS)
            rc = EIO;
        else if (rank == 0)
            atomic_init(c->shared, 0);
    } else if (rank == 0) {
        *(int64_t *)base = 0;
    }
    /* a passive epoch on every rank for the whole run; set before the
     * caller's agreement and start barrier, so no grab precedes the zero */
    if (MPI_Win_lock_all(MPI_MODE_NOCHECK, c->win) != MPI_SUCCESS)
        rc = EIO;
    else
        c->open = 2;
    if (c->open == 2 && c->kind == COUNTER_RMA && rank == 0)
        MPI_Win_sync(c->win);
    c->lat = malloc((size_t)c->cap * sizeof *c->lat);
    if (!c->lat && !rc)
        rc = ENOMEM;
    if (!rc && fault_here("window", wrank))
        rc = EIO;
    return rc;
}

int64_t counter_next(counter_t *c)
{
    double t0 = sysinfo_now();
    int64_t got;
    if (c->kind == COUNTER_SHM) {
        got = atomic_fetch_add_explicit(c->shared, 1, memory_order_relaxed);
    } else {
        const int64_t one = 1;
        int rc;
#pragma omp critical(svdrun_mpi)
        {
            rc = MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, 0, MPI_SUM, c->win);
            if (rc == MPI_SUCCESS)
                rc = MPI_Win_flush(0, c->win);
        }
        if (rc != MPI_SUCCESS)
            return -2;
    }
    double dt = sysinfo_now() - t0;
    int64_t i = atomic_fetch_add_explicit(&c->grabs, 1, memory_order_relaxed);
    if (i < c->cap)
        c->lat[i] = dt;
    return got < c->limit ? got : -1;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void counter_figures(counter_t *c, double *grabs, double *median_s, double *p99_s, double *sum_s)
{
    int64_t n = atomic_load(&c->grabs);
    if (n > c->cap)
        n = c->cap;
    *grabs = (double)n;
    *median_s = *p99_s = *sum_s = 0.0;
    if (n == 0 || !c->lat)
        return;
    for (int64_t i = 0; i < n; i++)
        *sum_s += c->lat[i];
    qsort(c->lat, (size_t)n, sizeof *c->lat, by_value);
    *median_s = c->lat[(n - 1) / 2];
    int64_t q = (int64_t)(0.99 * (double)(n - 1) + 0.5);
    *p99_s = c->lat[q];
}

const char *counter_kind_name(int kind)
{
    return kind == COUNTER_SHM ? "shm-atomic" : kind == COUNTER_RMA ? "rma-fetch-op" : "none-ran-cost";
}

int counter_close(counter_t *c)
{
    int rc = 0;
    if (c->open == 2 && MPI_Win_unlock_all(c->win) != MPI_SUCCESS)
        rc = EIO;
    if (c->open && MPI_Win_free(&c->win) != MPI_SUCCESS)
        rc = EIO;
    free(c->lat);
    memset(c, 0, sizeof *c);
    c->win = MPI_WIN_NULL;
    return rc;
}
