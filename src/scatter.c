/* scatter: distribute = scatter: rank 0 generates (or reads) every rank's matrices and sends them a round ahead of the SVDs. */
#include "scatter.h"

#include <errno.h>

#include "budget.h"
#include "lazy.h"
#include "matgen.h"
#include "partition.h"
#include "sysinfo.h"

/* lazy_wait_until's give_up: a stop message has come. */
static int heard(void *ch)
{
    return channel_heard(ch);
}

/* The matrices (rank r's sequence indexes first..) rank r of ranks receives
 * in round j. */
static int round_size(const work_state *st, int ranks, int r, int64_t j, int64_t *first)
{
    int64_t len = work_seq_len(st, r, ranks), round = st->round;
    *first = j * round;
    return *first >= len ? 0 : (int)(len - *first < round ? len - *first : round);
}

/* Lays the n matrices of rank r's round (sequence indexes first..) out in
 * block, one after another, each padded to a whole SCATTER_UNIT: ptrs[b]
 * gets matrix b's place. Sender and receiver compute the same layout from
 * the shapes, so a message carries exactly its matrices. Returns the
 * message's length in units. */
static int pack_round(const work_state *st, int ranks, int r, int64_t first, int n, void *block,
                      void **ptrs)
{
    int64_t units = 0;
    for (int b = 0; b < n; b++) {
        int64_t m, c;
        work_shape(st, work_index(st, work_seq_pos(st, r, ranks, first + b)), &m, &c);
        ptrs[b] = (char *)block + units * SCATTER_UNIT;
        units += (m * c * (int64_t)dtype_size(st->cfg->dtype) + SCATTER_UNIT - 1) / SCATTER_UNIT;
    }
    return (int)units;
}

/* scatter, root: generates round j of every other rank's matrices into
 * buffer set j % 2 (waiting first for that set's sends of round j-2) and sends
 * each rank its round as one message. */
static int send_round(work_state *st, MPI_Comm comm, MPI_Datatype unit_type, int ranks, int64_t j)
{
    const job_t *job = st->job;
    work_mem *mem = st->mem;
    int c = budget_concurrency(st->cfg), round = st->round;
    int set = (int)(j % 2);
    void **send = mem->bufs + c + (size_t)set * (ranks - 1) * round;
    void **blocks = mem->blocks + c + (size_t)set * (ranks - 1);
    MPI_Request *reqs = mem->reqs + set * (ranks - 1);

    double t0 = sysinfo_now();
    if (lazy_waitall(ranks - 1, reqs) != MPI_SUCCESS)
        return OUTCOME_EMPI;
    double t1 = sysinfo_now();
    int64_t *first = mem->round_first;
    int *n = mem->round_n;
    int *units = mem->round_units;
    for (int r = 1; r < ranks; r++) {
        n[r] = round_size(st, ranks, r, j, &first[r]);
        units[r] = pack_round(st, ranks, r, first[r], n[r], blocks[r - 1], send + (r - 1) * round);
    }
    int total = (ranks - 1) * round;
    if (st->in || st->files) {
        /* rank 0 reads and sends: the baseline that parallel reads beat */
        for (int i = 0; i < total; i++) {
            int r = 1 + i / round, b = i % round;
            if (b < n[r] && work_read(st, work_index(st, work_seq_pos(st, r, ranks, first[r] + b)),
                                       send[i]) != 0)
                st->io_error = EIO;
        }
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->cfg->threads) if (total > 1)
        for (int i = 0; i < total; i++) {
            int r = 1 + i / round, b = i % round;
            if (b < n[r]) {
                int64_t k = work_index(st, work_seq_pos(st, r, ranks, first[r] + b)), rows, cols;
                work_shape(st, k, &rows, &cols);
                matgen_fill_as(job->seed, k, rows, cols, st->cfg->dtype, send[i], rows,
                               MATGEN_COL_MAJOR);
            }
        }
    }
    double t2 = sysinfo_now();
    for (int r = 1; r < ranks; r++)
        if (n[r] > 0 && MPI_Isend(blocks[r - 1], units[r], unit_type, r, 0, comm,
                                  &reqs[r - 1]) != MPI_SUCCESS)
            return OUTCOME_EMPI;
    st->stats->transfer_s += (t1 - t0) + (sysinfo_now() - t2);
    st->stats->gen_s += t2 - t1;
    return OUTCOME_OK;
}

/* scatter, root: keeps one round ahead, sending round j+1 before computing
 * its own round j, so no receiver waits for rank 0's SVDs. On a stop (its
 * own, or asked by a receiver) it sends no new round, lets the rounds in
 * flight arrive, and tells each receiver how many rounds it sent. */
int scatter_root(work_state *st, MPI_Comm comm, MPI_Datatype unit_type,
                                int ranks, int64_t max_chunk)
{
    int round = st->round;
    int64_t rounds = (max_chunk + round - 1) / round, sent = 0;
    if (ranks > 1 && rounds > 0) {
        if (send_round(st, comm, unit_type, ranks, 0) != OUTCOME_OK)
            return OUTCOME_EMPI;
        sent = 1;
    }
    for (int64_t j = 0; j < rounds && !work_should_stop(st); j++) {
        if (ranks > 1 && j + 1 < rounds) {
            if (send_round(st, comm, unit_type, ranks, j + 1) != OUTCOME_OK)
                return OUTCOME_EMPI;
            sent = j + 2;
        }
        int64_t first = st->lo + j * round;
        if (first < st->hi)
            work_round(st, st->mem->bufs, 1, first,
                          (int)(st->hi - first < round ? st->hi - first : round), st->mem->reqs,
                          st->mem->n_reqs);
    }
    double t0 = sysinfo_now();
    if (lazy_waitall(st->mem->n_reqs, st->mem->reqs) != MPI_SUCCESS)
        return OUTCOME_EMPI;
    st->stats->transfer_s += sysinfo_now() - t0;
    if (work_should_stop(st))
        for (int r = 1; r < ranks; r++) {
            int64_t first;
            int64_t sent_r = 0;
            while (sent_r < sent && round_size(st, ranks, r, sent_r, &first) > 0)
                sent_r++;
            channel_send(st->ch, r, (int)sent_r);
        }
    return OUTCOME_OK;
}

/* scatter, other ranks: post the receive of round j+1, then wait for round j
 * and compute it, so the next transfer overlaps the current SVDs. A rank
 * that must stop asks the root, and drains what the root sent until the
 * root's message says how many rounds that was. */
int scatter_recv(work_state *st, MPI_Comm comm, MPI_Datatype unit_type)
{
    work_mem *mem = st->mem;
    int round = st->round;
    int64_t rounds = (st->hi - st->lo + round - 1) / round;
    int64_t final = -1;     /* rounds the root sent, once its stop message came */

    for (int64_t j = 0; j <= rounds; j++) {
        int set = (int)(j % 2);
        int64_t first = st->lo + j * round;
        int n = j < rounds && (final < 0 || j < final)
                    ? (int)(st->hi - first < round ? st->hi - first : round) : 0;
        int units = n > 0 ? pack_round(st, st->cfg->ranks, st->rank, first, n, mem->blocks[set],
                                       mem->bufs + set * round) : 0;
        if (n > 0 && MPI_Irecv(mem->blocks[set], units, unit_type, 0, 0, comm,
                               &mem->reqs[set]) != MPI_SUCCESS)
            return OUTCOME_EMPI;
        if (j == 0)
            continue;
        int prev = 1 - set;
        int64_t pfirst = st->lo + (j - 1) * round;
        int pn = (int)(st->hi - pfirst < round ? st->hi - pfirst : round);
        double t0 = sysinfo_now();
        while (mem->reqs[prev] != MPI_REQUEST_NULL && !(final >= 0 && j - 1 >= final)) {
            /* once the root's count is known, round j-1 surely comes */
            int rc = final >= 0 ? lazy_wait(&mem->reqs[prev])
                                : lazy_wait_until(&mem->reqs[prev], MPI_STATUS_IGNORE,
                                                  LAZY_MAX_SLEEP_NS, heard, st->ch);
            if (rc != MPI_SUCCESS)
                return OUTCOME_EMPI;
            if (final < 0 && channel_heard(st->ch)) {
                final = st->ch->inbox;
                if (st->stopping != WORK_STOP_MINE)
                    st->stopping = WORK_STOP_PEER;
            }
        }
        st->stats->transfer_s += sysinfo_now() - t0;
        if (final >= 0 && j - 1 >= final)
            break;      /* round j-1 was never sent */
        if (work_should_stop(st) == WORK_STOP_MINE && !st->announced) {
            st->announced = 1;
            channel_send(st->ch, 0, -1);
        }
        if (!st->stopping)
            work_round(st, mem->bufs + prev * round, 0, pfirst, pn, mem->reqs + set, n > 0);
    }
    /* receives posted for rounds the root never sent */
    for (int s = 0; s < 2; s++)
        if (mem->reqs[s] != MPI_REQUEST_NULL) {
            MPI_Cancel(&mem->reqs[s]);
            MPI_Wait(&mem->reqs[s], MPI_STATUS_IGNORE);
        }
    return OUTCOME_OK;
}
