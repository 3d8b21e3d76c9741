/* tune: the --tune race as bookkeeping: the stratified sample, the slices of successive halving, the scores, the vote and the winner (no MPI). */
#include "tune.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "matgen.h"
#include "verify.h"

/* One matrix while the order is drawn. */
typedef struct {
    int64_t k;
    int64_t shape;      /* its class: an index into the set's distinct shapes */
    uint64_t draw;      /* its Philox draw, then its place in the class's order */
    double at;          /* (place + 0.5) / class count */
} sample_item;

static int by_class_then_draw(const void *pa, const void *pb)
{
    const sample_item *a = pa, *b = pb;
    if (a->shape != b->shape)
        return a->shape < b->shape ? -1 : 1;
    if (a->draw != b->draw)
        return a->draw < b->draw ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

static int by_place(const void *pa, const void *pb)
{
    const sample_item *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->shape < b->shape ? -1 : a->shape > b->shape;
}

/* The index of (m, n) among the sorted distinct pairs shapes[n_shapes]. */
static int64_t class_of(const int64_t *shapes, int64_t n_shapes, int64_t m, int64_t n)
{
    int64_t lo = 0, hi = n_shapes - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        const int64_t *p = shapes + 2 * mid;
        if (p[0] < m || (p[0] == m && p[1] < n))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void tune_sample_free(tune_sample *s)
{
    free(s->order);
    free(s->cost);
    free(s->class_n);
    free(s->class_cost);
    memset(s, 0, sizeof *s);
}

int tune_sample_draw(tune_sample *s, const matset *set, const uint8_t *done, uint64_t seed,
                     job_vectors vectors)
{
    memset(s, 0, sizeof *s);
    int64_t *shapes = NULL, n_shapes = 0, n = 0;
    for (int64_t k = 0; k < set->count; k++)
        n += !(done && done[k]);
    size_t cells = (size_t)(n > 0 ? n : 1);
    sample_item *items = malloc(cells * sizeof *items);
    int64_t *in_class = NULL;
    s->order = malloc(cells * sizeof *s->order);
    s->cost = malloc(cells * sizeof *s->cost);
    if (!items || !s->order || !s->cost || matset_distinct(set, &shapes, &n_shapes) != 0 ||
        !(in_class = calloc((size_t)n_shapes, sizeof *in_class))) {
        free(items);
        free(shapes);
        free(in_class);
        tune_sample_free(s);
        return ENOMEM;
    }
    int64_t j = 0;
    for (int64_t k = 0; k < set->count; k++) {
        if (done && done[k])
            continue;
        int64_t m, c;
        matset_shape(set, k, &m, &c);
        uint64_t counter[4] = {0, 3, 0, 0}, key[2] = {seed, (uint64_t)k}, out[4];
        matgen_philox4x64(counter, key, out);
        items[j] = (sample_item){.k = k, .shape = class_of(shapes, n_shapes, m, c),
                                 .draw = out[0]};
        in_class[items[j].shape]++;
        j++;
    }
    qsort(items, (size_t)n, sizeof *items, by_class_then_draw);
    for (int64_t i = 0, place = 0; i < n; i++) {
        place = i > 0 && items[i].shape == items[i - 1].shape ? place + 1 : 0;
        items[i].at = ((double)place + 0.5) / (double)in_class[items[i].shape];
    }
    qsort(items, (size_t)n, sizeof *items, by_place);
    s->n = n;
    s->n_classes = n_shapes;
    s->class_n = in_class;
    if (!(s->class_cost = calloc((size_t)(n_shapes > 0 ? n_shapes : 1), sizeof *s->class_cost))) {
        free(items);
        free(shapes);
        tune_sample_free(s);
        return ENOMEM;
    }
    for (int64_t i = 0; i < n; i++) {
        const int64_t *shape = shapes + 2 * items[i].shape;
        s->order[i] = items[i].k;
        s->cost[i] = cost_flops(shape[0], shape[1], vectors);
        s->total += s->cost[i];
        s->class_cost[items[i].shape] += s->cost[i];
    }
    free(items);
    free(shapes);
    return 0;
}

int tune_rounds(int n)
{
    int r = 0;
    for (; n > 1; n /= 2)
        r++;
    return r;
}

/* Candidates racing in round r when n began. */
static int racing_in(int n, int r)
{
    for (int i = 0; i < r; i++)
        n = n / 2 > 1 ? n / 2 : 1;
    return n;
}

/* Where a slice that starts at from ends: when its cost reaches want, and
 * at least at from + least (within n). */
static int64_t slice_end(const tune_sample *s, int64_t from, double want, int64_t least)
{
    double got = 0;
    int64_t i = from;
    while (i < s->n && (got < want || i - from < least))
        got += s->cost[i++];
    return i;
}

int tune_race_init(tune_race *race, const int *plan_index, int n, const tune_sample *s,
                   double budget, int64_t min_slice, int64_t per_class)
{
    memset(race, 0, sizeof *race);
    int rounds = tune_rounds(n);
    if (n < 2 || rounds > TUNE_ROUNDS_MAX || !(budget > 0 && budget < 1))
        return EINVAL;
    if (s->n < 2 * rounds)
        return ERANGE;
    /* were all as fast, the race costs c0 times the sum of candidates x 2^r */
    double units = 0;
    for (int r = 0; r < rounds; r++)
        units += racing_in(n, r) * ldexp(1.0, r);
    double c0 = budget * s->total / units;
    /* a slice spans the same share of every class: enough of the costly ones */
    for (int64_t c = 0; c < s->n_classes; c++)
        if (s->class_n[c] > 0 && s->class_cost[c] >= 0.1 * s->total &&
            c0 < s->total * (double)per_class / (double)s->class_n[c])
            c0 = s->total * (double)per_class / (double)s->class_n[c];
    int64_t least = min_slice > 0 ? min_slice : 1;
    /* the slices' sizes, then fitted into half the sample */
    int64_t want[TUNE_ROUNDS_MAX], sum = 0, at = 0;
    for (int r = 0; r < rounds; r++) {
        int64_t end = slice_end(s, at, c0 * ldexp(1.0, r), least << r);
        want[r] = end - at;
        at = end;
        sum += want[r];
    }
    if (sum > s->n / 2) {
        /* still 2^r to 1 where possible; one matrix each at the least */
        double scale = (double)(s->n / 2) / (double)sum;
        for (int r = 0; r < rounds; r++) {
            want[r] = (int64_t)floor((double)want[r] * scale);
            if (want[r] < 1)
                want[r] = 1;
        }
    }
    race->bounds[0] = 0;
    for (int r = 0; r < rounds; r++) {
        race->bounds[r + 1] = race->bounds[r] + want[r];
        race->slice_cost[r] = 0;
        for (int64_t i = race->bounds[r]; i < race->bounds[r + 1]; i++)
            race->slice_cost[r] += s->cost[i];
    }
    race->cand = calloc((size_t)n, sizeof *race->cand);
    if (!race->cand)
        return ENOMEM;
    race->n = n;
    race->rounds = rounds;
    for (int i = 0; i < n; i++)
        race->cand[i] = (tune_candidate){.plan_index = plan_index[i], .status = TUNE_RACING,
                                         .dropped_round = -1, .s_per_flop = -1};
    return 0;
}

void tune_race_free(tune_race *race)
{
    free(race->cand);
    memset(race, 0, sizeof *race);
}

int tune_runs_in(const tune_race *race, int i, int r)
{
    const tune_candidate *c = &race->cand[i];
    return c->status == TUNE_RACING ||
           ((c->status == TUNE_DROPPED || c->status == TUNE_DISAGREES) && c->dropped_round >= r) ||
           (c->status == TUNE_WINNER && r < race->rounds);
}

void tune_record(tune_race *race, int i, int r, double wall_s)
{
    tune_candidate *c = &race->cand[i];
    c->wall_s[r] = wall_s;
    c->rounds_run = r + 1;
    double wall = 0, cost = 0;
    for (int q = 0; q <= r; q++) {
        wall += c->wall_s[q];
        cost += race->slice_cost[q];
    }
    c->s_per_flop = cost > 0 ? wall / cost : 0;
}

void tune_disagree(tune_race *race, int i, int r)
{
    race->cand[i].status = TUNE_DISAGREES;
    race->cand[i].dropped_round = r;
}

int tune_end_round(tune_race *race, int r)
{
    /* the ones still in, fastest first (ties: plan order) by insertion */
    int *in = malloc((size_t)race->n * sizeof *in), n_in = 0;
    if (!in)
        return -1;
    for (int i = 0; i < race->n; i++) {
        if (race->cand[i].status != TUNE_RACING)
            continue;
        int at = n_in++;
        while (at > 0 && race->cand[in[at - 1]].s_per_flop > race->cand[i].s_per_flop) {
            in[at] = in[at - 1];
            at--;
        }
        in[at] = i;
    }
    int keep = n_in / 2 > 1 ? n_in / 2 : 1;
    if (r + 1 >= race->rounds)
        keep = 1;
    for (int j = keep; j < n_in; j++) {
        race->cand[in[j]].status = TUNE_DROPPED;
        race->cand[in[j]].dropped_round = r;
    }
    int winner = -1;
    if (n_in > 0 && keep == 1) {
        winner = in[0];
        race->cand[winner].status = TUNE_WINNER;
    }
    free(in);
    return winner;
}

/* Whether two results of one matrix agree (see tune_vote). */
static int same_result(const svd_result *a, const svd_result *b)
{
    if (a->info != 0 || b->info != 0 || a->value == b->value)
        return 1;
    double scale = fmax(fmax(fabs(a->sum), fabs(b->sum)), 1.0);
    return fabs(a->sum - b->sum) <= VERIFY_SUM_RTOL * scale;
}

int tune_vote(const svd_result *const *res, int n_res, int64_t m, int *agree,
              int64_t *first_diff)
{
    /* O(n^2 m) comparisons: a handful of candidates over a slice */
    int ref = 0, best = -1;
    for (int i = 0; i < n_res; i++) {
        int votes = 0;
        for (int o = 0; o < n_res; o++) {
            int64_t j = 0;
            while (o != i && j < m && same_result(&res[i][j], &res[o][j]))
                j++;
            votes += o != i && j == m;
        }
        if (votes > best) {
            best = votes;
            ref = i;
        }
    }
    *first_diff = -1;
    for (int i = 0; i < n_res; i++) {
        int64_t j = 0;
        while (j < m && same_result(&res[ref][j], &res[i][j]))
            j++;
        agree[i] = j == m;
        if (j < m && (*first_diff < 0 || j < *first_diff))
            *first_diff = j;
    }
    return ref;
}
