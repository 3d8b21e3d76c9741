/* log: svdrun's messages on stderr, levelled and with the rank prefix, and the assertion that names file:line and aborts. */
#ifndef SVDRUN_LOG_H
#define SVDRUN_LOG_H

/* The exit code of a rank that aborts the job: svdrun's runtime failure. */
#define LOG_EXIT_RUNTIME 3

typedef enum {
    LOG_ERROR,      /* "svdrun: MESSAGE" */
    LOG_WARNING,    /* "svdrun: warning: MESSAGE" */
    LOG_DEBUG       /* "svdrun: debug: MESSAGE", only with SVDRUN_DEBUG set */
} log_level;

/* One line on stderr, from whichever rank calls it. Thread-safe (one
 * fprintf). */
void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same, prefixed "rank R: " with R this process's rank in MPI_COMM_WORLD
 * (when MPI is initialised): for what one rank alone knows. */
void log_rank(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Says what went wrong on this rank, then ends every rank with
 * LOG_EXIT_RUNTIME (MPI_Abort, or exit before MPI_Init): for a failure after
 * which no agreed status can reach the others. Does not return. */
void log_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* An invariant: when cond is false, log_abort naming the file, line and
 * condition. */
#define LOG_ASSERT(cond)                                                                  \
    do {                                                                                  \
        if (!(cond))                                                                      \
            log_abort("assertion failed at %s:%d: %s", __FILE__, __LINE__, #cond);        \
    } while (0)

#endif
