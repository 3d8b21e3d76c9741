/* stop: why a run should end early: SIGTERM, SIGINT, SIGUSR1, or the --timeout deadline. */
#ifndef SVDRUN_STOP_H
#define SVDRUN_STOP_H

/* Seconds between a stop and the hard exit, for a rank stuck inside one
 * long LAPACK call; under Slurm's default KillWait of 30 s. The test build
 * (SVDRUN_TEST_HOOKS) takes SVDRUN_GRACE_S=N, 1 to STOP_GRACE_S, at
 * stop_install instead: the tests that wait for a hard exit wait N s. */
#define STOP_GRACE_S 10

enum { STOP_NONE = 0, STOP_SIGNAL = 1, STOP_TIMEOUT = 2 };

/* Installs the handlers of SIGTERM, SIGINT and SIGUSR1, and the deadline
 * timeout_s from now (0: none). The first signal asks for a stop between
 * matrices and arms the hard exit; a second one, or STOP_GRACE_S past the
 * stop, exits at once with code 4 after syncing the checkpoint. Process-wide
 * (signals are): the one piece of global state besides MPI's and OpenMP's.
 * Returns 0, or -1 when a handler or the timer cannot be installed. */
int stop_install(double timeout_s);

/* The checkpoint file the hard exit syncs before it exits; -1 for none. */
void stop_set_sync_fd(int fd);

/* STOP_NONE, STOP_SIGNAL or STOP_TIMEOUT. Cheap: a flag and a clock read;
 * safe from any thread. Past the deadline, it also arms the hard exit. */
int stop_requested(void);

/* The signal that asked for the stop (0 if none): for the message. */
int stop_signal(void);

/* Cancels the hard exit once no matrix runs any more. */
void stop_disarm(void);

/* Asks for a stop as a signal would (the test build's 'stop' fault). */
void stop_raise(void);

#endif
