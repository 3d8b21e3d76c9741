/* stop: why a run should end early: SIGTERM, SIGINT, SIGUSR1, or the --timeout deadline. */
#include "stop.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysinfo.h"

/* Written by signal handlers, on whichever thread takes the signal, and read
 * by every thread: lock-free atomics, which handlers may use (volatile
 * sig_atomic_t orders nothing between threads). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "handlers need a lock-free atomic int");
static atomic_int stop_signo;               /* the first stop signal */
static atomic_int stop_armed;               /* the hard exit is armed */
static atomic_int sync_fd = -1;
static double stop_deadline;                /* CLOCK_MONOTONIC seconds; 0: none; set before threads */

#define STOP_STR(x) #x
#define STOP_XSTR(x) STOP_STR(x)

/* The grace and the hard exit's two messages that name it: STOP_GRACE_S in
 * build/svdrun; the test build may shorten them in stop_install, before
 * any handler is installed or thread started. */
static unsigned grace_s = STOP_GRACE_S;
static char busy_msg[64] = "still busy " STOP_XSTR(STOP_GRACE_S) " s after the stop";
static char late_msg[96] = "--timeout passed, and a matrix still runs " STOP_XSTR(STOP_GRACE_S)
                           " s later";

/* Only async-signal-safe calls from here down to the handlers' end. */
static void hard_exit(const char *why)
{
    int fd = atomic_load(&sync_fd);
    if (fd >= 0)
        fdatasync(fd);
    static const char head[] = "svdrun: ";
    static const char tail[] = "; exiting now (the checkpoint keeps every finished matrix)\n";
    ssize_t w = write(2, head, sizeof head - 1);
    w = write(2, why, strlen(why));
    w = write(2, tail, sizeof tail - 1);
    (void)w;
    _exit(4);
}

/* The first caller arms it; threads past the deadline may race here. */
static void arm_hard_exit(void)
{
    if (!atomic_exchange(&stop_armed, 1))
        alarm(grace_s);
}

/* Records signo as the stop's reason unless one is recorded; returns 1 when
 * this was the first. */
static int first_stop(int signo)
{
    int none = 0;
    return atomic_compare_exchange_strong(&stop_signo, &none, signo);
}

static void on_stop_signal(int signo)
{
    if (!first_stop(signo))
        hard_exit("a second stop signal");
    arm_hard_exit();
}

static void on_alarm(int signo)
{
    (void)signo;
    if (atomic_load(&stop_armed))
        hard_exit(busy_msg);
    /* the deadline plus grace passed while no check saw the deadline */
    hard_exit(late_msg);
}

#ifdef SVDRUN_TEST_HOOKS
/* The test build's SVDRUN_GRACE_S=N (1..STOP_GRACE_S): a shorter grace, so
 * the fault and resume tests need not wait STOP_GRACE_S for a hard exit. */
static void test_grace(void)
{
    const char *s = getenv("SVDRUN_GRACE_S");
    if (!s || !*s)
        return;
    char *end;
    long n = strtol(s, &end, 10);
    if (*end || n < 1 || n > STOP_GRACE_S) {
        fprintf(stderr, "svdrun: SVDRUN_GRACE_S='%s' ignored (1 to %d s)\n", s, STOP_GRACE_S);
        return;
    }
    grace_s = (unsigned)n;
    snprintf(busy_msg, sizeof busy_msg, "still busy %u s after the stop", grace_s);
    snprintf(late_msg, sizeof late_msg, "--timeout passed, and a matrix still runs %u s later",
             grace_s);
}
#endif

int stop_install(double timeout_s)
{
#ifdef SVDRUN_TEST_HOOKS
    test_grace();
#endif
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_stop_signal;
    if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) || sigaction(SIGUSR1, &sa, NULL))
        return -1;
    sa.sa_handler = on_alarm;
    if (sigaction(SIGALRM, &sa, NULL))
        return -1;
    if (timeout_s > 0) {
        stop_deadline = sysinfo_now() + timeout_s;
        /* the hard exit, for a rank that never reaches a check in time */
        alarm((unsigned)timeout_s + 1 + grace_s);
    }
    return 0;
}

void stop_set_sync_fd(int fd)
{
    atomic_store(&sync_fd, fd);
}

int stop_requested(void)
{
    if (atomic_load(&stop_signo))
        return STOP_SIGNAL;
    if (stop_deadline > 0 && sysinfo_now() >= stop_deadline) {
        arm_hard_exit();
        return STOP_TIMEOUT;
    }
    return STOP_NONE;
}

int stop_signal(void)
{
    return atomic_load(&stop_signo);
}

void stop_disarm(void)
{
    alarm(0);
}

void stop_raise(void)
{
    first_stop(SIGUSR1);
    arm_hard_exit();
}
