/* test_counter: the dynamic schedule's counter, a singleton's windows taken by concurrent threads, and cost's chunks, LPT and model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <mpi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "counter.h"

#define CHUNKS 5000
#define THREADS 4

typedef struct {
    counter_t *c;
    int *taken;         /* [CHUNKS]: how often each chunk was handed out */
    int64_t ends;       /* grabs that found the work done */
} grabber;

static pthread_mutex_t tally = PTHREAD_MUTEX_INITIALIZER;

static void *grab_all(void *arg)
{
    grabber *g = arg;
    for (;;) {
        int64_t k = counter_next(g->c);
        if (k < 0) {
            pthread_mutex_lock(&tally);
            g->ends += k == -1;
            pthread_mutex_unlock(&tally);
            return NULL;
        }
        __atomic_fetch_add(&g->taken[k], 1, __ATOMIC_RELAXED);
    }
}

/* THREADS threads grab until none is left: every chunk exactly once, each
 * thread's last grab says done, and the figures count every grab. */
static void grab_concurrently(int force_rma, int want_kind)
{
    counter_t c;
    assert_int_equal(counter_open(&c, MPI_COMM_WORLD, CHUNKS, CHUNKS + THREADS, force_rma, 0), 0);
    assert_int_equal(c.kind, want_kind);
    grabber g = {.c = &c, .taken = calloc(CHUNKS, sizeof(int))};
    assert_non_null(g.taken);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, grab_all, &g), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int k = 0; k < CHUNKS; k++)
        if (g.taken[k] != 1)
            fail_msg("chunk %d handed out %d times", k, g.taken[k]);
    assert_int_equal(g.ends, THREADS);
    double grabs, med, p99, sum;
    counter_figures(&c, &grabs, &med, &p99, &sum);
    assert_int_equal((int64_t)grabs, CHUNKS + THREADS);
    assert_true(med >= 0 && p99 >= med && sum >= p99);
    assert_int_equal(counter_close(&c), 0);
    free(g.taken);
}

static void test_shared_window_each_chunk_once(void **state)
{
    (void)state;
    grab_concurrently(0, COUNTER_SHM);
}

static void test_fetch_and_op_each_chunk_once(void **state)
{
    (void)state;
    grab_concurrently(1, COUNTER_RMA);
}

/* Chunks by remaining cost: the first covers about a quarter of the work on
 * 2 workers, the tail is single items, every item in exactly one chunk. */
static void test_chunks_sized_by_remaining_cost(void **state)
{
    (void)state;
    enum { N = 1000 };
    double cost[N], total = 0;
    for (int i = 0; i < N; i++) {
        cost[i] = 1000.0 - i;       /* largest first */
        total += cost[i];
    }
    int64_t bounds[N + 1], n;
    cost_chunks(cost, N, 2, bounds, &n);
    assert_int_equal(bounds[0], 0);
    assert_int_equal(bounds[n], N);
    double first = 0;
    for (int64_t i = bounds[0]; i < bounds[1]; i++)
        first += cost[i];
    assert_true(first <= total / 4 && first > total / 4 - cost[0]);
    for (int64_t c = 0; c < n; c++)
        assert_true(bounds[c + 1] > bounds[c]);
    assert_int_equal(bounds[n] - bounds[n - 1], 1);
    /* one huge item: a chunk of its own, whatever the target */
    double lop[3] = {1e9, 1, 1};
    cost_chunks(lop, 3, 8, bounds, &n);
    assert_int_equal(bounds[1], 1);
}

/* LPT on a known instance, worked by hand: 7,6,5 open the parts; 4 joins
 * 5 (9), 3 joins 6 (9), 3 joins 7 (10), 2 joins the first of the 9s (11). */
static void test_lpt_known_instance(void **state)
{
    (void)state;
    const double cost[7] = {7, 6, 5, 4, 3, 3, 2};
    int owner[7];
    double load[3];
    assert_int_equal(cost_lpt(cost, 7, 3, owner, load), 0);
    assert_true(load[0] == 10 && load[1] == 11 && load[2] == 9);
    assert_int_equal(owner[0], 0);
    assert_int_equal(owner[1], 1);
    assert_int_equal(owner[2], 2);
    assert_int_equal(owner[3], 2);
    assert_int_equal(owner[4], 1);
    assert_int_equal(owner[5], 0);
    assert_int_equal(owner[6], 1);
}

/* The model: Golub and Van Loan's counts for a square matrix, a wide one
 * as its transpose, and more for vectors. */
static void test_flop_model(void **state)
{
    (void)state;
    double n = 300, sq = 4 * n * n * n - 4 * n * n * n / 3;
    assert_true(cost_flops(300, 300, JOB_VECTORS_NONE) == sq + COST_CALL_FLOPS);
    assert_true(cost_flops(1000, 20, JOB_VECTORS_NONE) == cost_flops(20, 1000, JOB_VECTORS_NONE));
    /* a long matrix: QR first (R-SVD) is cheaper: 2mn^2 + 2n^3 */
    assert_true(cost_flops(1000, 20, JOB_VECTORS_NONE) ==
                2.0 * 1000 * 20 * 20 + 2.0 * 20 * 20 * 20 + COST_CALL_FLOPS);
    assert_true(cost_flops(300, 300, JOB_VECTORS_THIN) > cost_flops(300, 300, JOB_VECTORS_NONE));
    assert_true(cost_flops(300, 300, JOB_VECTORS_FULL) >= cost_flops(300, 300, JOB_VECTORS_THIN));
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_window_each_chunk_once),
        cmocka_unit_test(test_fetch_and_op_each_chunk_once),
        cmocka_unit_test(test_chunks_sized_by_remaining_cost),
        cmocka_unit_test(test_lpt_known_instance),
        cmocka_unit_test(test_flop_model),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
