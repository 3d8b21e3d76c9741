/* test_tune: the --tune race's stratified sample, slices, halving and vote. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "results.h"
#include "tune.h"

/* 8x8:400, 16x16:100, 64x64:20, 300x300:4 */
static void mixed_set(matset *set)
{
    matset_spec spec;
    memset(&spec, 0, sizeof spec);
    char err[256];
    assert_int_equal(matset_parse_shapes(&spec, "8x8:400,16x16:100,64x64:20,300x300:4", 100000,
                                         err, sizeof err), 0);
    assert_int_equal(matset_init(set, &spec, 0, 524, 0, 0), 0);
}

static int class_of(int64_t k)
{
    return k < 400 ? 0 : k < 500 ? 1 : k < 520 ? 2 : 3;
}

/* Every prefix of the order holds each class in proportion to its count
 * (within a bound of its rounding), and the order is a permutation of what is to do. */
static void test_sample_stratified(void **state)
{
    (void)state;
    matset set;
    mixed_set(&set);
    tune_sample s;
    assert_int_equal(tune_sample_draw(&s, &set, NULL, 42, JOB_VECTORS_NONE), 0);
    assert_int_equal(s.n, 524);
    const double counts[4] = {400, 100, 20, 4};
    int seen[524] = {0}, in[4] = {0};
    double total = 0;
    for (int64_t i = 0; i < s.n; i++) {
        int64_t k = s.order[i];
        assert_true(k >= 0 && k < 524);
        assert_int_equal(seen[k]++, 0);
        in[class_of(k)]++;
        int64_t m = class_of(k) == 0 ? 8 : class_of(k) == 1 ? 16 : class_of(k) == 2 ? 64 : 300;
        assert_true(s.cost[i] == cost_flops(m, m, JOB_VECTORS_NONE));
        total += s.cost[i];
        /* a class is within half a matrix of its place v c; the prefix of
         * p = sum of those is within K/2 = 2 of v N, which moves the share
         * c p / N by at most 2 c / N more */
        for (int c = 0; c < 4; c++)
            assert_true(fabs(in[c] - counts[c] * (double)(i + 1) / 524.0) <=
                        0.5 + 2 * counts[c] / 524.0 + 1e-9);
    }
    assert_true(fabs(total - s.total) <= 1e-9 * total);
    tune_sample_free(&s);
    matset_free(&set);
}

/* The same seed draws the same order; another seed another; done matrices
 * are left out. */
static void test_sample_seeded(void **state)
{
    (void)state;
    matset set;
    mixed_set(&set);
    tune_sample a, b, c;
    uint8_t done[524] = {0};
    for (int k = 0; k < 524; k += 3)
        done[k] = 1;
    assert_int_equal(tune_sample_draw(&a, &set, NULL, 7, JOB_VECTORS_THIN), 0);
    assert_int_equal(tune_sample_draw(&b, &set, NULL, 7, JOB_VECTORS_THIN), 0);
    assert_int_equal(tune_sample_draw(&c, &set, NULL, 8, JOB_VECTORS_THIN), 0);
    assert_memory_equal(a.order, b.order, 524 * sizeof *a.order);
    assert_memory_not_equal(a.order, c.order, 524 * sizeof *a.order);
    tune_sample_free(&b);
    assert_int_equal(tune_sample_draw(&b, &set, done, 7, JOB_VECTORS_THIN), 0);
    assert_int_equal(b.n, 524 - 175);
    for (int64_t i = 0; i < b.n; i++)
        assert_int_equal(done[b.order[i]], 0);
    tune_sample_free(&a);
    tune_sample_free(&b);
    tune_sample_free(&c);
    matset_free(&set);
}

static void uniform_sample(tune_sample *s, int64_t n)
{
    matset set;
    assert_int_equal(matset_init(&set, &(matset_spec){0}, 1, n, 100, 100), 0);
    assert_int_equal(tune_sample_draw(s, &set, NULL, 1, JOB_VECTORS_NONE), 0);
    matset_free(&set);
}

/* 8 candidates: 3 rounds of 8, 4, 2; slice r costs twice slice r - 1, and
 * the race at equal speeds costs the budget's share of the whole. */
static void test_race_slices(void **state)
{
    (void)state;
    tune_sample s;
    uniform_sample(&s, 100000);
    int idx[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    tune_race race;
    assert_int_equal(tune_race_init(&race, idx, 8, &s, 0.06, 1, 1), 0);
    assert_int_equal(race.rounds, 3);
    /* 8 c0 + 4 (2 c0) + 2 (4 c0) = 24 c0 = 0.06 x 100000 matrices: c0 = 250 */
    /* (a cost sum may round to one matrix more) */
    assert_in_range(race.bounds[1] - race.bounds[0], 250, 251);
    assert_in_range(race.bounds[2] - race.bounds[1], 500, 501);
    assert_in_range(race.bounds[3] - race.bounds[2], 1000, 1001);
    tune_race_free(&race);
    /* the least slice wins over the budget: 400, 800, 1600 */
    assert_int_equal(tune_race_init(&race, idx, 8, &s, 0.06, 400, 1), 0);
    assert_int_equal(race.bounds[1], 400);
    assert_int_equal(race.bounds[3], 2800);
    tune_race_free(&race);
    assert_int_equal(tune_rounds(1), 0);
    assert_int_equal(tune_rounds(3), 1);
    assert_int_equal(tune_rounds(5), 2);
    assert_int_equal(tune_rounds(12), 3);
    tune_sample_free(&s);
}

/* A class that carries the cost gets per_class matrices in slice 0, though
 * the budget alone would give it none. */
static void test_race_costly_class(void **state)
{
    (void)state;
    matset set;
    mixed_set(&set);        /* the 4 matrices of 300 x 300 are most of the cost */
    tune_sample s;
    assert_int_equal(tune_sample_draw(&s, &set, NULL, 42, JOB_VECTORS_NONE), 0);
    assert_int_equal(s.n_classes, 4);
    assert_int_equal(s.class_n[3], 4);
    assert_true(s.class_cost[3] > 0.9 * s.total);
    int idx[2] = {0, 1};
    tune_race race;
    assert_int_equal(tune_race_init(&race, idx, 2, &s, 0.01, 1, 1), 0);
    int large = 0;
    for (int64_t i = race.bounds[0]; i < race.bounds[1]; i++)
        large += class_of(s.order[i]) == 3;
    /* a share of 1 / 4 of the set, so one large matrix; the budget gives 1% */
    assert_int_equal(large, 1);
    assert_true(race.slice_cost[0] >= 0.25 * s.total * 0.99);
    tune_race_free(&race);
    tune_sample_free(&s);
    matset_free(&set);
}

/* A small set: the slices fit in half of it; too small a set cannot race. */
static void test_race_small_sets(void **state)
{
    (void)state;
    tune_sample s;
    uniform_sample(&s, 40);
    int idx[4] = {0, 1, 2, 3};
    tune_race race;
    assert_int_equal(tune_race_init(&race, idx, 4, &s, 0.06, 16, 1), 0);
    assert_true(race.bounds[race.rounds] <= 20 + race.rounds);
    for (int r = 0; r < race.rounds; r++)
        assert_true(race.bounds[r + 1] > race.bounds[r]);
    tune_race_free(&race);
    tune_sample_free(&s);
    uniform_sample(&s, 3);
    assert_int_equal(tune_race_init(&race, idx, 4, &s, 0.06, 1, 1), ERANGE);
    assert_int_equal(tune_race_init(&race, idx, 1, &s, 0.06, 1, 1), EINVAL);
    assert_int_equal(tune_race_init(&race, idx, 4, &s, 1.5, 1, 1), EINVAL);
    tune_sample_free(&s);
}

/* Halving by time per flop: the slower half leaves each round; the fastest
 * of the last two wins, whatever their plan order. */
static void test_race_halving(void **state)
{
    (void)state;
    tune_sample s;
    uniform_sample(&s, 10000);
    int idx[6] = {10, 11, 12, 13, 14, 15};
    const double speed[6] = {3, 1, 5, 2, 2, 4};    /* seconds per slice unit */
    tune_race race;
    assert_int_equal(tune_race_init(&race, idx, 6, &s, 0.06, 1, 1), 0);
    assert_int_equal(race.rounds, 2);
    int winner = -1;
    for (int r = 0; r < race.rounds && winner < 0; r++) {
        for (int i = 0; i < 6; i++)
            if (tune_runs_in(&race, i, r))
                tune_record(&race, i, r, speed[i] * race.slice_cost[r] * (r == 1 && i == 3 ? 0.2 : 1));
        winner = tune_end_round(&race, r);
        if (r == 0) {
            /* 1, 3 and 4 stay (4 ties 3 and is later, but three stay of six) */
            assert_int_equal(race.cand[0].status, TUNE_DROPPED);
            assert_int_equal(race.cand[2].status, TUNE_DROPPED);
            assert_int_equal(race.cand[5].status, TUNE_DROPPED);
            assert_int_equal(race.cand[1].status, TUNE_RACING);
            assert_int_equal(race.cand[0].dropped_round, 0);
            assert_int_equal(winner, -1);
        }
    }
    /* over both rounds (slice 1 twice slice 0's cost) candidate 3 ran at
     * (2 + 2 x 0.4) / 3 = 0.93 per unit, ahead of 1's 1.0; round 1 alone
     * would not decide it, as 4 at 2.0 shows */
    double c0 = race.slice_cost[0], c1 = race.slice_cost[1];
    assert_true(fabs(race.cand[3].s_per_flop * (c0 + c1) - (2 * c0 + 0.4 * c1)) < 1e-9 * c1);
    assert_int_equal(winner, 3);
    assert_int_equal(race.cand[3].status, TUNE_WINNER);
    assert_int_equal(race.cand[3].plan_index, 13);
    assert_int_equal(race.cand[1].dropped_round, 1);
    assert_int_equal(race.cand[3].rounds_run, 2);
    assert_int_equal(race.cand[0].rounds_run, 1);
    assert_false(tune_runs_in(&race, 0, 1));
    assert_true(tune_runs_in(&race, 1, 1));
    tune_race_free(&race);
    tune_sample_free(&s);
}

/* A candidate that disagrees leaves at once, fast or not. */
static void test_race_disagree(void **state)
{
    (void)state;
    tune_sample s;
    uniform_sample(&s, 10000);
    int idx[2] = {0, 1};
    tune_race race;
    assert_int_equal(tune_race_init(&race, idx, 2, &s, 0.06, 1, 1), 0);
    tune_record(&race, 0, 0, 2.0);
    tune_record(&race, 1, 0, 1.0);
    tune_disagree(&race, 1, 0);
    assert_int_equal(tune_end_round(&race, 0), 0);
    assert_int_equal(race.cand[1].status, TUNE_DISAGREES);
    tune_race_free(&race);
    tune_sample_free(&s);
}

/* The vote: the majority is the reference; an integer-boundary difference
 * and a failed LAPACK call are not disagreements. */
static void test_vote(void **state)
{
    (void)state;
    svd_result a[3] = {ok_res(5, 5.3), ok_res(1000, 1000.0 - 1e-10), ok_res(7, 7.9)};
    svd_result b[3] = {ok_res(5, 5.3), ok_res(999, 999.9999999999), ok_res(7, 7.9)};
    svd_result c[3] = {ok_res(6, 6.3), ok_res(1000, 1000.0), ok_res(7, 7.9)};
    svd_result d[3] = {ok_res(5, 5.3), ok_res(1000, 1000.0), ok_res(0, 0)};
    d[2].info = 3;
    const svd_result *res[4] = {c, a, b, d};
    int64_t diff_at[4] = {7, 7, 7, 7};
    int ref = tune_vote(res, 4, 3, diff_at);
    assert_int_equal(ref, 1);
    assert_int_equal(diff_at[0], 0);      /* c differs at its first matrix */
    assert_int_equal(diff_at[1], -1);
    assert_int_equal(diff_at[2], -1);
    assert_int_equal(diff_at[3], -1);
    const svd_result *same[2] = {a, b};
    assert_int_equal(tune_vote(same, 2, 3, diff_at), 0);
    assert_int_equal(diff_at[0], -1);
    assert_int_equal(diff_at[1], -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_stratified), cmocka_unit_test(test_sample_seeded),
        cmocka_unit_test(test_race_slices),       cmocka_unit_test(test_race_small_sets),
        cmocka_unit_test(test_race_costly_class),
        cmocka_unit_test(test_race_halving),      cmocka_unit_test(test_race_disagree),
        cmocka_unit_test(test_vote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
