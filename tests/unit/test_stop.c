/* test_stop: stop requests from signals and the deadline, and the hard exit.
 * The module's state is process-wide and has no reset, so each scenario runs
 * in a child process of its own and reports through its exit status. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stop.h"
#include "sysinfo.h"

/* A link seam: the hard exit's fdatasync lands here and says so on stderr
 * (write(2) only: it runs in a signal handler). */
int fdatasync(int fd)
{
    static const char msg[] = "[fdatasync]\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    return (int)syscall(SYS_fdatasync, fd);
}

/* In a child: returns from the scenario with the line of the first check that failed. */
#define CHECK(cond)              \
    do {                         \
        if (!(cond))             \
            return __LINE__;     \
    } while (0)

static void sleep_s(double s)
{
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Runs scenario in a child with its stderr in a file; returns the child's
 * wait status and its stderr in msg. A scenario that returns ends the child
 * with 0 (passed) or 1 after printing the failed check's line. */
static int in_child(int (*scenario)(void), char *msg, size_t len)
{
    char path[] = "/tmp/test_stop_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd, 2);
        int line = scenario();
        if (line)
            dprintf(2, "check at test_stop.c:%d failed\n", line);
        _exit(line ? 1 : 0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    ssize_t n = pread(fd, msg, len - 1, 0);
    msg[n > 0 ? n : 0] = '\0';
    close(fd);
    return status;
}

/* Asserts the scenario's child passed every check. */
static void expect_passed(int (*scenario)(void))
{
    char msg[1024];
    int status = in_child(scenario, msg, sizeof msg);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("scenario ended with status 0x%x: %s", (unsigned)status, msg);
}

/* Asserts the scenario's child was ended by the hard exit (code 4), having
 * synced first, with a message holding needle. */
static void expect_hard_exit(int (*scenario)(void), const char *needle)
{
    char msg[1024];
    int status = in_child(scenario, msg, sizeof msg);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 4)
        fail_msg("expected exit 4, got status 0x%x: %s", (unsigned)status, msg);
    const char *sync = strstr(msg, "[fdatasync]"), *said = strstr(msg, needle);
    if (!said)
        fail_msg("message '%s' does not hold '%s'", msg, needle);
    if (!sync || sync > said)
        fail_msg("no checkpoint sync before the message: '%s'", msg);
    assert_non_null(strstr(msg, "svdrun: "));
}

static int nothing_asked(void)
{
    CHECK(stop_install(0) == 0);
    CHECK(stop_requested() == STOP_NONE);
    CHECK(stop_signal() == 0);
    CHECK(alarm(0) == 0);       /* no deadline: no hard-exit timer either */
    return 0;
}

static void test_no_stop_without_signal_or_deadline(void **state)
{
    (void)state;
    expect_passed(nothing_asked);
}

/* sig delivered to this process: a stop is asked, the process goes on, and
 * the hard exit is armed STOP_GRACE_S from now. */
static int one_signal(int sig)
{
    CHECK(stop_install(0) == 0);
    CHECK(raise(sig) == 0);
    CHECK(stop_requested() == STOP_SIGNAL);
    CHECK(stop_signal() == sig);
    unsigned left = alarm(0);
    CHECK(left >= STOP_GRACE_S - 1 && left <= STOP_GRACE_S);
    return 0;
}

static int sigterm(void) { return one_signal(SIGTERM); }
static int sigint(void) { return one_signal(SIGINT); }
static int sigusr1(void) { return one_signal(SIGUSR1); }

static void test_signal_asks_for_a_stop_and_arms_the_hard_exit(void **state)
{
    (void)state;
    expect_passed(sigterm);
    expect_passed(sigint);
    expect_passed(sigusr1);
}

static int raised(void)
{
    CHECK(stop_install(0) == 0);
    stop_raise();
    CHECK(stop_requested() == STOP_SIGNAL);
    CHECK(stop_signal() == SIGUSR1);
    stop_disarm();
    CHECK(alarm(0) == 0);
    return 0;
}

static void test_stop_raise_acts_as_sigusr1_and_disarm_cancels(void **state)
{
    (void)state;
    expect_passed(raised);
}

/* The deadline: nothing before it, STOP_TIMEOUT after it with no signal
 * named, and the hard-exit timer set for a rank that never checks. */
static int deadline(void)
{
    CHECK(stop_install(0.3) == 0);
    unsigned left = alarm(0);
    CHECK(left >= STOP_GRACE_S && left <= 1 + STOP_GRACE_S);
    CHECK(stop_requested() == STOP_NONE);
    sleep_s(0.35);
    CHECK(stop_requested() == STOP_TIMEOUT);
    CHECK(stop_signal() == 0);
    /* the check past the deadline armed the grace period */
    left = alarm(0);
    CHECK(left >= STOP_GRACE_S - 1 && left <= STOP_GRACE_S);
    /* a signal after the deadline is a first signal: asked, not the hard exit */
    CHECK(raise(SIGTERM) == 0);
    CHECK(stop_requested() == STOP_SIGNAL);
    CHECK(stop_signal() == SIGTERM);
    alarm(0);
    return 0;
}

static void test_deadline_reads_as_timeout(void **state)
{
    (void)state;
    expect_passed(deadline);
}

/* ---- from several threads at once (thread_mode = batch checks between matrices) ---- */

enum { POLLERS = 4 };

/* Polls stop_requested until it says STOP_SIGNAL (or too long passes);
 * returns the answer seen. */
static void *poll_stop(void *arg)
{
    (void)arg;
    double until = sysinfo_now() + 10.0;
    int why;
    while ((why = stop_requested()) == STOP_NONE && sysinfo_now() < until)
        ;
    return (void *)(intptr_t)why;
}

/* Threads poll while this thread takes SIGTERM: each sees the stop. */
static int signal_while_threads_poll(void)
{
    CHECK(stop_install(0) == 0);
    pthread_t threads[POLLERS];
    for (int t = 0; t < POLLERS; t++)
        CHECK(pthread_create(&threads[t], NULL, poll_stop, NULL) == 0);
    CHECK(raise(SIGTERM) == 0);
    int seen = 0;
    for (int t = 0; t < POLLERS; t++) {
        void *why;
        CHECK(pthread_join(threads[t], &why) == 0);
        seen += (intptr_t)why == STOP_SIGNAL;
    }
    CHECK(seen == POLLERS);
    CHECK(stop_signal() == SIGTERM);
    alarm(0);
    return 0;
}

/* Threads check past the deadline at once: each sees STOP_TIMEOUT, and the
 * hard exit is armed once, STOP_GRACE_S ahead. */
static void *poll_timeout(void *arg)
{
    int *ok = arg;
    for (int i = 0; i < 1000; i++)
        *ok &= stop_requested() == STOP_TIMEOUT;
    return NULL;
}

static int deadline_checked_by_threads(void)
{
    CHECK(stop_install(0.05) == 0);
    sleep_s(0.1);
    pthread_t threads[POLLERS];
    int ok[POLLERS];
    for (int t = 0; t < POLLERS; t++) {
        ok[t] = 1;
        CHECK(pthread_create(&threads[t], NULL, poll_timeout, &ok[t]) == 0);
    }
    for (int t = 0; t < POLLERS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
        CHECK(ok[t]);
    }
    unsigned left = alarm(0);
    CHECK(left >= STOP_GRACE_S - 1 && left <= STOP_GRACE_S);
    return 0;
}

static void test_stop_requested_from_many_threads(void **state)
{
    (void)state;
    expect_passed(signal_while_threads_poll);
    expect_passed(deadline_checked_by_threads);
}

/* The hard exit syncs this file before it exits. */
static void set_sync_file(void)
{
    char path[] = "/tmp/test_stop_sync_XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    stop_set_sync_fd(fd);
}

static int two_signals(void)
{
    CHECK(stop_install(0) == 0);
    set_sync_file();
    raise(SIGTERM);
    raise(SIGINT);
    return __LINE__;    /* not reached: the second signal exits */
}

static void test_second_signal_exits_at_once_with_code_4(void **state)
{
    (void)state;
    expect_hard_exit(two_signals, "a second stop signal");
}

/* SIGALRM stands for the grace period's end (STOP_GRACE_S would be slow). */
static int stuck_after_stop(void)
{
    CHECK(stop_install(0) == 0);
    set_sync_file();
    stop_raise();
    raise(SIGALRM);
    return __LINE__;
}

static int stuck_past_deadline(void)
{
    CHECK(stop_install(100) == 0);
    set_sync_file();
    raise(SIGALRM);
    return __LINE__;
}

static void test_grace_period_end_exits_with_code_4(void **state)
{
    (void)state;
    char want[96];
    snprintf(want, sizeof want, "still busy %d s after the stop", STOP_GRACE_S);
    expect_hard_exit(stuck_after_stop, want);
    snprintf(want, sizeof want, "--timeout passed, and a matrix still runs %d s later",
             STOP_GRACE_S);
    expect_hard_exit(stuck_past_deadline, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_stop_without_signal_or_deadline),
        cmocka_unit_test(test_signal_asks_for_a_stop_and_arms_the_hard_exit),
        cmocka_unit_test(test_stop_raise_acts_as_sigusr1_and_disarm_cancels),
        cmocka_unit_test(test_deadline_reads_as_timeout),
        cmocka_unit_test(test_stop_requested_from_many_threads),
        cmocka_unit_test(test_second_signal_exits_at_once_with_code_4),
        cmocka_unit_test(test_grace_period_end_exits_with_code_4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
