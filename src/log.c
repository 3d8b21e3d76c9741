/* log: svdrun's messages on stderr, levelled and with the rank prefix, and the assertion that names file:line and aborts. */
#include "log.h"

#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *level_prefix(log_level level)
{
    return level == LOG_WARNING ? "warning: " : level == LOG_DEBUG ? "debug: " : "";
}

/* This process's world rank, or -1 before MPI_Init (or after MPI_Finalize). */
static int world_rank(void)
{
    int up = 0, down = 0, rank = -1;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

/* Formats the whole line first, so that one fprintf keeps it whole among the
 * other threads' and ranks' lines. */
static void emit(log_level level, int with_rank, const char *fmt, va_list ap)
{
    if (level == LOG_DEBUG && !getenv("SVDRUN_DEBUG"))
        return;
    char msg[2048], where[32] = "";
    vsnprintf(msg, sizeof msg, fmt, ap);
    int rank = with_rank ? world_rank() : -1;
    if (rank >= 0)
        snprintf(where, sizeof where, "rank %d: ", rank);
    fprintf(stderr, "svdrun: %s%s%s\n", where, level_prefix(level), msg);
}

void log_msg(log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, 0, fmt, ap);
    va_end(ap);
}

void log_rank(log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, 1, fmt, ap);
    va_end(ap);
}

void log_abort(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(LOG_ERROR, 1, fmt, ap);
    va_end(ap);
    fflush(stderr);
    int up = 0, down = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Abort(MPI_COMM_WORLD, LOG_EXIT_RUNTIME);
    exit(LOG_EXIT_RUNTIME);
}
