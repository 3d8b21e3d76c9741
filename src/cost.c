/* cost: the modelled cost of each SVD, and how the cost and dynamic schedules share a work list among workers. */
#include "cost.h"

#include <errno.h>
#include <stdlib.h>

double cost_flops(int64_t m, int64_t n, job_vectors vectors)
{
    double a = (double)(m > n ? m : n), b = (double)(m > n ? n : m);
    double b2 = b * b, b3 = b2 * b, gr, r;
    if (vectors == JOB_VECTORS_NONE) {
        gr = 4 * a * b2 - 4 * b3 / 3;
        r = 2 * a * b2 + 2 * b3;
    } else if (vectors == JOB_VECTORS_THIN) {
        gr = 14 * a * b2 + 8 * b3;
        r = 6 * a * b2 + 20 * b3;
    } else {
        gr = 4 * a * a * b + 8 * a * b2 + 9 * b3;
        r = 4 * a * a * b + 22 * b3;
        /* the book's full count of a square matrix (21 n^3) is below its thin
         * one (22 n^3), though both compute the same U: never below thin */
        double thin = cost_flops(m, n, JOB_VECTORS_THIN) - COST_CALL_FLOPS;
        if ((gr < r ? gr : r) < thin)
            gr = r = thin;
    }
    return (gr < r ? gr : r) + COST_CALL_FLOPS;
}

typedef struct {
    double cost;
    int64_t pos;
} costed;

static int by_cost_desc(const void *x, const void *y)
{
    const costed *a = x, *b = y;
    if (a->cost != b->cost)
        return a->cost > b->cost ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

int cost_order(const matset *set, const int64_t *todo, int64_t n_work, job_vectors vectors,
                int64_t *order, double *cost)
{
    costed *c = malloc((size_t)(n_work > 0 ? n_work : 1) * sizeof *c);
    if (!c)
        return ENOMEM;
    for (int64_t p = 0; p < n_work; p++) {
        int64_t m, n;
        matset_shape(set, todo ? todo[p] : p, &m, &n);
        c[p].cost = cost_flops(m, n, vectors);
        c[p].pos = p;
    }
    qsort(c, (size_t)n_work, sizeof *c, by_cost_desc);
    for (int64_t i = 0; i < n_work; i++) {
        order[i] = c[i].pos;
        cost[i] = c[i].cost;
    }
    free(c);
    return 0;
}

/* A binary min-heap of parts keyed by (load, part). */
static int lighter(const double *load, int a, int b)
{
    return load[a] < load[b] || (load[a] == load[b] && a < b);
}

static void sift_down(int *heap, int n, const double *load, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && lighter(load, heap[l], heap[m]))
            m = l;
        if (r < n && lighter(load, heap[r], heap[m]))
            m = r;
        if (m == i)
            return;
        int t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

int cost_lpt(const double *cost, int64_t n, int parts, int *owner, double *load)
{
    int *heap = malloc((size_t)parts * sizeof *heap);
    if (!heap)
        return ENOMEM;
    for (int p = 0; p < parts; p++) {
        heap[p] = p;
        load[p] = 0.0;
    }
    /* all loads 0: the identity is already a heap */
    for (int64_t i = 0; i < n; i++) {
        int p = heap[0];
        owner[i] = p;
        load[p] += cost[i];
        sift_down(heap, parts, load, 0);
    }
    free(heap);
    return 0;
}

void cost_chunks(const double *cost, int64_t n, int workers, int64_t *bounds, int64_t *n_chunks)
{
    double remaining = 0.0;
    for (int64_t i = 0; i < n; i++)
        remaining += cost[i];
    int64_t c = 0, i = 0;
    bounds[0] = 0;
    while (i < n) {
        double target = remaining / (2.0 * workers), taken = 0.0;
        do {
            taken += cost[i++];
        } while (i < n && taken + cost[i] <= target);
        remaining -= taken;
        bounds[++c] = i;
    }
    *n_chunks = c;
}
