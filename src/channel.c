/* channel: how the ranks of a configuration tell each other to stop early, without a collective. */
#include "channel.h"

#include <stdlib.h>
#include <string.h>

#include "lazy.h"
#include "log.h"
#include "outcome.h"

/* Collective over comm. Returns OUTCOME_OK or OUTCOME_EMPI; a few bytes that cannot
 * be allocated abort the job (nothing has been computed yet). */
int channel_open(channel_t *ch, MPI_Comm comm)
{
    memset(ch, 0, sizeof *ch);
    if (MPI_Comm_dup(comm, &ch->comm) != MPI_SUCCESS)
        return OUTCOME_EMPI;
    MPI_Comm_rank(comm, &ch->rank);
    MPI_Comm_size(comm, &ch->size);
    ch->sent = calloc((size_t)ch->size, sizeof *ch->sent);
    ch->payload = calloc((size_t)ch->size, sizeof *ch->payload);
    ch->sends = malloc((size_t)ch->size * sizeof *ch->sends);
    if (!ch->sent || !ch->payload || !ch->sends)
        log_abort("no memory for the stop channel");
    for (int r = 0; r < ch->size; r++)
        ch->sends[r] = MPI_REQUEST_NULL;
    return MPI_Irecv(&ch->inbox, 1, MPI_INT, MPI_ANY_SOURCE, 0, ch->comm, &ch->recv) == MPI_SUCCESS
               ? OUTCOME_OK : OUTCOME_EMPI;
}

/* 1 once a stop message has arrived (its payload in ch->inbox). */
int channel_heard(channel_t *ch)
{
    if (!ch->heard) {
        int flag = 0;
        MPI_Status s;
        MPI_Test(&ch->recv, &flag, &s);
        if (flag) {
            ch->heard = 1;
            ch->source = s.MPI_SOURCE;
        }
    }
    return ch->heard;
}

void channel_send(channel_t *ch, int dest, int payload)
{
    if (dest == ch->rank || ch->sent[dest])
        return;
    ch->sent[dest] = 1;
    ch->payload[dest] = payload;
    MPI_Isend(&ch->payload[dest], 1, MPI_INT, dest, 0, ch->comm, &ch->sends[dest]);
}

/* Collective: learns how many messages each rank sent here, receives those
 * not yet received, completes its own sends and frees the channel. Returns
 * OUTCOME_OK or OUTCOME_EMPI. */
int channel_close(channel_t *ch)
{
    int *expect = calloc((size_t)ch->size, sizeof *expect);
    if (!expect)
        log_abort("no memory for the stop channel");
    MPI_Request req;
    int rc = MPI_Ialltoall(ch->sent, 1, MPI_INT, expect, 1, MPI_INT, ch->comm, &req);
    if (rc == MPI_SUCCESS)
        rc = lazy_wait(&req);
    int total = 0;
    for (int r = 0; r < ch->size; r++)
        total += expect[r];
    if (rc == MPI_SUCCESS && !ch->heard && total == 0) {
        MPI_Cancel(&ch->recv);              /* nothing will come: withdraw the receive */
        rc = MPI_Wait(&ch->recv, MPI_STATUS_IGNORE);
    } else if (rc == MPI_SUCCESS) {
        MPI_Status s;
        if (!ch->heard && (rc = lazy_wait_until(&ch->recv, &s, LAZY_MAX_SLEEP_NS, NULL, NULL)) == MPI_SUCCESS)
            ch->source = s.MPI_SOURCE;
        expect[ch->source]--;
        for (int r = 0; rc == MPI_SUCCESS && r < ch->size; r++)
            for (; rc == MPI_SUCCESS && expect[r] > 0; expect[r]--) {
                int drop;
                rc = MPI_Irecv(&drop, 1, MPI_INT, r, 0, ch->comm, &req);
                if (rc == MPI_SUCCESS)
                    rc = lazy_wait(&req);
            }
    }
    for (int r = 0; rc == MPI_SUCCESS && r < ch->size; r++)
        rc = lazy_wait(&ch->sends[r]);
    free(expect);
    free(ch->sent);
    free(ch->payload);
    free(ch->sends);
    MPI_Comm_free(&ch->comm);
    return rc == MPI_SUCCESS ? OUTCOME_OK : OUTCOME_EMPI;
}
