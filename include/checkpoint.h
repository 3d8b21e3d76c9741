/* checkpoint: per-rank append-only logs of finished results, and reading them back for --resume. */
#ifndef SVDRUN_CHECKPOINT_H
#define SVDRUN_CHECKPOINT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "svd.h"

/* Files in the directory: rank-R.ckpt, one per rank of the launch writing
 * them, and merged.ckpt, what --resume gathered from earlier launches. Each
 * is a 64-byte identity header (magic "SVDRCKP1", rows, cols, count, seed,
 * vectors, driver, the input's kind and hash, and the kernel in what was a
 * zero pad, so older files read as kernel lapack) and then 32-byte records
 * (magic, a check of the other 24 bytes, index, int64 result, double sum of
 * sigma), little-endian as written by this machine family. A record is one write(2), so a crash loses at most
 * the matrices in flight; a torn last record is ignored. */

typedef struct {
    int fd;
    /* sysinfo_now() of the last fdatasync; atomic: every batch thread appends */
    _Atomic double last_sync;
} checkpoint_writer;

/* Creates (truncating) DIR/rank-R.ckpt with its identity header: the job's
 * and the kernel of the one configuration checkpointed; synced. Returns 0
 * or -1 with "DIR/rank-R.ckpt: reason" in err. */
int checkpoint_open(checkpoint_writer *w, const char *dir, int rank, const job_t *job,
                    job_kernel kernel, char *err, size_t errlen);

/* Appends matrix k's result with one write, and syncs when the last sync is
 * a second old (one thread syncs; the others go on). Thread-safe for
 * distinct records (O_APPEND). Returns 0 or an errno value. */
int checkpoint_append(checkpoint_writer *w, int64_t k, const svd_result *res);

/* Syncs, then closes. Returns 0 or an errno value. */
int checkpoint_close(checkpoint_writer *w);

/* What a checkpoint directory holds. */
typedef struct {
    int64_t count;
    uint8_t *done;          /* [count]: 1 when results[k] is known */
    svd_result *results;    /* [count] */
    int64_t n_done;
    int files;              /* .ckpt files read */
    int64_t torn;           /* torn or corrupt records ignored */
} checkpoint_state;

/* The two kinds of failure of checkpoint_load, so that callers choose an
 * exit code from a value, never from a message. */
enum {
    CHECKPOINT_EIO = -1,       /* unreadable, corrupt (not a checkpoint, a short header,
                                * disagreeing records), unwritable, or no memory */
    CHECKPOINT_EREFUSED = -2   /* not this job's checkpoint: no such directory, no .ckpt
                                * file, or a file written for another job */
};

/* Reads every .ckpt file of dir. Each must carry job's identity (rows, cols,
 * count, seed, vectors, driver, input) and kernel; two records of one
 * matrix must agree.
 * Returns 0, or CHECKPOINT_EREFUSED or CHECKPOINT_EIO with a message naming
 * the file (and the field that differs) in err. */
int checkpoint_load(const char *dir, const job_t *job, job_kernel kernel, checkpoint_state *st,
                    char *err, size_t errlen);

/* Writes st's known results to DIR/merged.ckpt through a temporary name and
 * rename, then removes the rank-*.ckpt files it supersedes. Returns 0 or
 * CHECKPOINT_EIO with a message in err. */
int checkpoint_merge(const char *dir, const job_t *job, job_kernel kernel,
                     const checkpoint_state *st, char *err, size_t errlen);

/* 1 when dir holds any .ckpt file, 0 when not (or it does not exist), -1
 * when it cannot be read. */
int checkpoint_exists(const char *dir);

void checkpoint_state_free(checkpoint_state *st);

#endif
