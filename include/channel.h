/* channel: how the ranks of a configuration tell each other to stop early, without a collective. */
#ifndef SVDRUN_CHANNEL_H
#define SVDRUN_CHANNEL_H

#include <mpi.h>

/* How the ranks of a configuration tell each other to stop early: a one-int
 * message on a private duplicate of the communicator. A rank sends at most
 * one to each other rank; closing counts what was sent and receives all of
 * it, so nothing is in flight when the communicator goes. */
typedef struct {
    MPI_Comm comm;
    int rank, size;
    MPI_Request recv;      /* the one posted receive, from any rank */
    int inbox;             /* its payload: -1 "stop", or the root's rounds sent */
    int heard, source;
    int *sent;             /* [size]: 1 once this rank sent to r */
    int *payload;          /* [size]: what it sent; lives until close */
    MPI_Request *sends;    /* [size] */
} channel_t;

/* Collective over comm: a private duplicate of it and one posted receive.
 * Returns OUTCOME_OK or OUTCOME_EMPI; a few bytes that cannot be allocated
 * abort the job (nothing has been computed yet). */
int channel_open(channel_t *ch, MPI_Comm comm);

/* 1 once a stop message has arrived (its payload in ch->inbox). Not
 * collective; master thread. */
int channel_heard(channel_t *ch);

/* Sends payload to dest once (later calls for dest do nothing). */
void channel_send(channel_t *ch, int dest, int payload);

/* Collective: learns how many messages each rank sent here, receives those
 * not yet received, completes its own sends and frees the channel. Returns
 * OUTCOME_OK or OUTCOME_EMPI. */
int channel_close(channel_t *ch);

#endif
