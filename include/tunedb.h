/* tunedb: where --tune keeps its winners: the tuning database (JSON Lines keyed by host, libraries and set) and a checkpoint's note of the winner. */
#ifndef SVDRUN_TUNEDB_H
#define SVDRUN_TUNEDB_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"

/* What a winner holds for: the same key and the same candidates. */
typedef struct {
    char cpu[128];          /* the CPU model of rank 0's node */
    int cores;              /* its CPUs online */
    int hosts;              /* the launch's hosts */
    char libs[640];         /* OpenBLAS's configuration, the MPI library, svdrun's version */
    char shapes[256];       /* the set's distinct shapes: "RxC,..." or a count, range and hash */
    char vectors[8];
    uint64_t lists;         /* FNV-1a over the candidates' labels, in plan order */
} tunedb_key;

/* The key of this launch: n candidates' labels[] and the set's distinct
 * shapes (pairs). Cannot fail. */
void tunedb_key_make(tunedb_key *key, const job_t *job, const char *const *labels, int n,
                     const int64_t *shapes, int64_t n_shapes, int hosts, const char *mpi_version);

/* Finds the last winner recorded under key in the database path (rank 0).
 * Returns 1 with its label in winner and its date in when, 0 when none (or
 * no file), or -1 with "path: reason" in err when the file cannot be read.
 * A line that is not a record (a torn write) is skipped and counted in
 * *bad, its number in *bad_line (the first). */
int tunedb_lookup(const char *path, const tunedb_key *key, char *winner, size_t winner_len,
                  char *when, size_t when_len, int *bad, int *bad_line, char *err,
                  size_t errlen);

/* Appends one record: key, the candidates' labels[n], the winner's label,
 * its predicted full-set seconds and time per modelled Gflop (ms), with one
 * write(2). Returns 0 or -1 with "path: reason" in err. */
int tunedb_append(const char *path, const tunedb_key *key, const char *const *labels, int n,
                  const char *winner, double predicted_s, double ms_per_gflop, char *err,
                  size_t errlen);

/* DIR/tune-winner: the winner of a checkpointed --tune launch, so that
 * --resume runs it on the rest without racing again. Written through a
 * temporary name, synced and renamed. Returns 0 or -1 with a message. */
int tunedb_note_winner(const char *dir, const char *label, char *err, size_t errlen);

/* Reads DIR/tune-winner. Returns 1 with the label, 0 when there is none (the
 * launch stopped during the race), or -1 with a message. */
int tunedb_read_winner(const char *dir, char *label, size_t len, char *err, size_t errlen);

#endif
