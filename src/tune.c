/* tune: the --tune race as bookkeeping: the stratified sample, the slices of successive halving, the scores, the vote and the winner (no MPI). */
#include "tune.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "matgen.h"
#include "verify.h"

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

/* Whether class a's next matrix comes before class b's: the smaller
 * (place + 1/2) / count, compared exactly as (2 place + 1) count_b against
 * (2 place_b + 1) count_a; ties to the smaller class. */
static int merges_before(int64_t a, int64_t b, const int64_t *place, const int64_t *count)
{
    __int128 x = (__int128)(2 * place[a] + 1) * count[b], y = (__int128)(2 * place[b] + 1) * count[a];
    return x < y || (x == y && a < b);
}

/* Restores the heap of classes from slot i down (the least first). */
static void sift_down(int64_t *heap, int64_t n, int64_t i, const int64_t *place,
                      const int64_t *count)
{
    for (;;) {
        int64_t least = i, l = 2 * i + 1, r = l + 1;
        if (l < n && merges_before(heap[l], heap[least], place, count))
            least = l;
        if (r < n && merges_before(heap[r], heap[least], place, count))
            least = r;
        if (least == i)
            return;
        int64_t t = heap[i];
        heap[i] = heap[least];
        heap[least] = t;
        i = least;
    }
}

/* Shuffles a class's n members in place: Fisher-Yates from the top, slot i
 * swapped with the first Philox output keyed (seed, class), counter
 * (i, 3, 0, 0), modulo i + 1. */
static void shuffle_class(int64_t *members, int64_t n, uint64_t seed, int64_t cls)
{
    for (int64_t i = n - 1; i > 0; i--) {
        uint64_t counter[4] = {(uint64_t)i, 3, 0, 0}, key[2] = {seed, (uint64_t)cls}, out[4];
        matgen_philox4x64(counter, key, out);
        int64_t j = (int64_t)(out[0] % (uint64_t)(i + 1));
        int64_t t = members[i];
        members[i] = members[j];
        members[j] = t;
    }
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
    int64_t *members = malloc(cells * sizeof *members), *start = NULL, *place = NULL,
            *heap = NULL;
    s->order = malloc(cells * sizeof *s->order);
    s->cost = malloc(cells * sizeof *s->cost);
    int rc = !members || !s->order || !s->cost || matset_distinct(set, &shapes, &n_shapes) != 0;
    size_t classes = (size_t)(n_shapes > 0 ? n_shapes : 1);
    if (!rc) {
        s->n_classes = n_shapes;
        s->class_n = calloc(classes, sizeof *s->class_n);
        s->class_cost = calloc(classes, sizeof *s->class_cost);
        start = calloc(classes + 1, sizeof *start);
        place = calloc(classes, sizeof *place);
        heap = malloc(classes * sizeof *heap);
        rc = !s->class_n || !s->class_cost || !start || !place || !heap;
    }
    /* each class's members in index order (a counting sort), then shuffled:
     * O(count log classes) in all, where sorting the draws took 0.16 s of a
     * 441,800-matrix race. Each matrix's class is looked up once, and held in
     * order (filled only by the merge below) until its place is known. */
    for (int64_t k = 0, j = 0; !rc && k < set->count; k++) {
        if (done && done[k])
            continue;
        int64_t m, c;
        matset_shape(set, k, &m, &c);
        s->order[j] = class_of(shapes, n_shapes, m, c);
        s->class_n[s->order[j++]]++;
    }
    for (int64_t c = 0; !rc && c < n_shapes; c++)
        start[c + 1] = start[c] + s->class_n[c];
    for (int64_t k = 0, j = 0; !rc && k < set->count; k++) {
        if (done && done[k])
            continue;
        int64_t cls = s->order[j++];
        members[start[cls] + place[cls]++] = k;
    }
    for (int64_t c = 0; !rc && c < n_shapes; c++) {
        shuffle_class(members + start[c], s->class_n[c], seed, c);
        place[c] = 0;
    }
    /* the classes merged by (place + 1/2) / count, the least first */
    int64_t n_heap = 0;
    for (int64_t c = 0; !rc && c < n_shapes; c++)
        if (s->class_n[c] > 0)
            heap[n_heap++] = c;
    for (int64_t i = n_heap / 2 - 1; !rc && i >= 0; i--)
        sift_down(heap, n_heap, i, place, s->class_n);
    for (int64_t i = 0; !rc && i < n; i++) {
        int64_t c = heap[0];
        s->order[i] = members[start[c] + place[c]++];
        s->cost[i] = cost_flops(shapes[2 * c], shapes[2 * c + 1], vectors);
        s->total += s->cost[i];
        s->class_cost[c] += s->cost[i];
        if (place[c] == s->class_n[c])
            heap[0] = heap[--n_heap];
        sift_down(heap, n_heap, 0, place, s->class_n);
    }
    s->n = n;
    free(members);
    free(shapes);
    free(start);
    free(place);
    free(heap);
    if (rc) {
        tune_sample_free(s);
        return ENOMEM;
    }
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

/* Whether got agrees with ref on one matrix: the sweep's rule
 * (verify_boundary), and a failed LAPACK call is not compared. */
static int same_result(const svd_result *ref, const svd_result *got)
{
    return ref->info != 0 || got->info != 0 || ref->value == got->value ||
           verify_boundary(ref, got);
}

int tune_vote(const svd_result *const *res, int n_res, int64_t m, int64_t *diff_at)
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
    for (int i = 0; i < n_res; i++) {
        int64_t j = 0;
        while (j < m && same_result(&res[ref][j], &res[i][j]))
            j++;
        diff_at[i] = j < m ? j : -1;
    }
    return ref;
}
