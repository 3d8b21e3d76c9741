/* test_sysinfo: clocks, CPU time, node facts and the launcher's and Slurm's environment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "sysinfo.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    assert_int_equal(clock_gettime(id, &ts), 0);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s)
{
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* sysinfo_now is CLOCK_MONOTONIC in seconds: it agrees with that clock and
 * advances by the time slept. */
static void test_now_is_monotonic_seconds(void **state)
{
    (void)state;
    double mono = clock_s(CLOCK_MONOTONIC), t0 = sysinfo_now();
    assert_true(t0 >= mono && t0 - mono < 0.5);
    sleep_s(0.05);
    double t1 = sysinfo_now();
    assert_true(t1 - t0 >= 0.05);
    assert_true(t1 - t0 < 5.0);
    for (int i = 0; i < 1000; i++) {
        double t = sysinfo_now();
        assert_true(t >= t1);
        t1 = t;
    }
}

/* CPU seconds grow with work (measured against the process CPU clock) and
 * hardly at all while sleeping. */
static void test_cpu_seconds_follow_work(void **state)
{
    (void)state;
    double c0 = sysinfo_cpu_seconds(), p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    assert_true(c0 > 0.0);
    volatile double sink = 0.0;
    while (clock_s(CLOCK_PROCESS_CPUTIME_ID) - p0 < 0.2)
        for (int i = 0; i < 10000; i++)
            sink += i * 0.5;
    double worked = sysinfo_cpu_seconds() - c0;
    if (worked < 0.15 || worked > 2.0)
        fail_msg("0.2 s of busy loop counted as %.3f CPU seconds", worked);
    double c1 = sysinfo_cpu_seconds();
    sleep_s(0.2);
    double slept = sysinfo_cpu_seconds() - c1;
    if (slept > 0.1)
        fail_msg("0.2 s asleep counted as %.3f CPU seconds", slept);
}

/* Parses a CPU list such as "0-3,8" into set; returns the CPUs listed, or -1. */
static int parse_cpu_list(const char *s, cpu_set_t *set)
{
    CPU_ZERO(set);
    int n = 0;
    while (*s) {
        char *end;
        long lo = strtol(s, &end, 10), hi = lo;
        if (end == s)
            return -1;
        if (*end == '-') {
            s = end + 1;
            hi = strtol(s, &end, 10);
            if (end == s || hi < lo)
                return -1;
        }
        for (long c = lo; c <= hi; c++, n++)
            CPU_SET((int)c, set);
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        s = end;
    }
    return n;
}

/* MemAvailable of /proc/meminfo in bytes, read here independently. */
static int64_t meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    assert_non_null(f);
    char line[256];
    long long kb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "MemAvailable:", 13) == 0)
            kb = atoll(line + 13);
    fclose(f);
    return (int64_t)kb * 1024;
}

static void test_local_facts_match_the_system(void **state)
{
    (void)state;
    sysinfo_rank info;
    memset(&info, 0x5A, sizeof info);
    sysinfo_local(&info);

    char host[256] = "";
    assert_int_equal(gethostname(host, sizeof host), 0);
    assert_int_equal(strncmp(info.host, host, SYSINFO_HOST_MAX - 1), 0);
    assert_true(memchr(info.host, '\0', sizeof info.host) != NULL);

    assert_int_equal(info.n_online, sysconf(_SC_NPROCESSORS_ONLN));
    cpu_set_t mine, listed;
    assert_int_equal(sched_getaffinity(0, sizeof mine, &mine), 0);
    assert_int_equal(info.n_allowed, CPU_COUNT(&mine));
    assert_true(info.n_allowed >= 1);
    /* the list names exactly the allowed CPUs */
    if (parse_cpu_list(info.cpus, &listed) != info.n_allowed || !CPU_EQUAL(&listed, &mine))
        fail_msg("cpus '%s' is not this process's affinity (%d CPUs)", info.cpus, info.n_allowed);
    assert_int_equal(info.ranks_on_node, 1);

    /* MemAvailable moves between two reads; a quarter of it is room enough */
    int64_t avail = meminfo_available();
    assert_true(avail > 0);
    if (info.mem_available < avail * 3 / 4 || info.mem_available > avail * 5 / 4)
        fail_msg("mem_available %lld, /proc/meminfo says %lld", (long long)info.mem_available,
                 (long long)avail);
}

/* With the affinity narrowed to one CPU, and then to a range, the list says so. */
static void test_cpu_list_follows_affinity(void **state)
{
    (void)state;
    cpu_set_t mine, one;
    assert_int_equal(sched_getaffinity(0, sizeof mine, &mine), 0);
    int first = -1, second = -1;
    for (int c = 0; c < CPU_SETSIZE && second < 0; c++)
        if (CPU_ISSET(c, &mine)) {
            if (first < 0)
                first = c;
            else
                second = c;
        }
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
    sysinfo_rank info;
    sysinfo_local(&info);
    char want[32];
    snprintf(want, sizeof want, "%d", first);
    assert_string_equal(info.cpus, want);
    assert_int_equal(info.n_allowed, 1);
    if (second == first + 1) {
        CPU_SET(second, &one);
        assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
        sysinfo_local(&info);
        snprintf(want, sizeof want, "%d-%d", first, second);
        assert_string_equal(info.cpus, want);
        assert_int_equal(info.n_allowed, 2);
    }
    assert_int_equal(sched_setaffinity(0, sizeof mine, &mine), 0);
}

/* The peak RSS grows by memory touched, and a reset (where the kernel allows
 * it) forgets memory since returned. */
static void test_peak_rss_follows_memory_touched(void **state)
{
    (void)state;
    const size_t bytes = 64u << 20;
    int reset = sysinfo_reset_peak_rss();
    double before = sysinfo_peak_rss_mb();
    assert_true(before > 0.0);
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    memset(p, 1, bytes);
    double peak = sysinfo_peak_rss_mb();
    assert_int_equal(munmap(p, bytes), 0);
    if (peak < before + 60.0)
        fail_msg("64 MiB touched: peak %.1f MB, was %.1f MB", peak, before);
    if (reset != 0)
        skip();   /* this kernel keeps the peak: nothing more to check */
    assert_int_equal(sysinfo_reset_peak_rss(), 0);
    double after = sysinfo_peak_rss_mb();
    if (after > peak - 48.0)
        fail_msg("after the reset the peak is %.1f MB, was %.1f MB with 64 MiB held", after, peak);
}

static void test_openblas_facts(void **state)
{
    (void)state;
    const char *par = sysinfo_openblas_parallel();
    assert_true(strcmp(par, "sequential") == 0 || strcmp(par, "pthreads") == 0 ||
                strcmp(par, "openmp") == 0);
    const char *config = sysinfo_openblas_config();
    assert_non_null(config);
    assert_non_null(strstr(config, "OpenBLAS"));
}

static void test_wait_policy(void **state)
{
    (void)state;
    unsetenv("OMP_WAIT_POLICY");
    assert_string_equal(sysinfo_wait_policy(), "default");
    setenv("OMP_WAIT_POLICY", "", 1);
    assert_string_equal(sysinfo_wait_policy(), "default");
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    assert_string_equal(sysinfo_wait_policy(), "PASSIVE");
    unsetenv("OMP_WAIT_POLICY");
}

static void test_slurm_environment(void **state)
{
    (void)state;
    static const char *const vars[] = {"SLURM_JOB_ID", "SLURM_STEP_ID", "SLURM_JOB_NODELIST",
                                       "SLURM_NODELIST", "SLURM_CPUS_PER_TASK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    assert_null(sysinfo_slurm_job_id());
    assert_null(sysinfo_slurm_step_id());
    assert_null(sysinfo_slurm_nodelist());
    assert_int_equal(sysinfo_slurm_cpus_per_task(), 0);

    setenv("SLURM_JOB_ID", "4242", 1);
    setenv("SLURM_STEP_ID", "3", 1);
    assert_string_equal(sysinfo_slurm_job_id(), "4242");
    assert_string_equal(sysinfo_slurm_step_id(), "3");
    /* the older name serves when the newer is not set */
    setenv("SLURM_NODELIST", "old[1-2]", 1);
    assert_string_equal(sysinfo_slurm_nodelist(), "old[1-2]");
    setenv("SLURM_JOB_NODELIST", "node[1-4]", 1);
    assert_string_equal(sysinfo_slurm_nodelist(), "node[1-4]");

    static const struct { const char *text; int want; } cpus[] = {
        {"4", 4}, {"16", 16}, {"0", 0}, {"-2", 0}, {"abc", 0}, {"", 0},
    };
    for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++) {
        setenv("SLURM_CPUS_PER_TASK", cpus[i].text, 1);
        if (sysinfo_slurm_cpus_per_task() != cpus[i].want)
            fail_msg("SLURM_CPUS_PER_TASK='%s' gave %d, expected %d", cpus[i].text,
                     sysinfo_slurm_cpus_per_task(), cpus[i].want);
    }
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static const char *const launch_vars[] = {
    "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS", "OMPI_COMM_WORLD_LOCAL_SIZE",
    "MPI_LOCALNRANKS", "SLURM_STEP_TASKS_PER_NODE", "SLURM_NTASKS_PER_NODE", NULL,
};

/* Sets the NULL-terminated name, value pairs over a clean launcher
 * environment; returns sysinfo_launch_hint's result. */
static int hint_with(const char *const *kv, int *world, int *local)
{
    for (int i = 0; launch_vars[i]; i++)
        unsetenv(launch_vars[i]);
    for (int i = 0; kv[i]; i += 2)
        setenv(kv[i], kv[i + 1], 1);
    return sysinfo_launch_hint(world, local);
}

static void test_launch_hint(void **state)
{
    (void)state;
    int world, local;
    static const char *const none[] = {NULL};
    assert_int_equal(hint_with(none, &world, &local), -1);

    static const char *const ompi[] = {"OMPI_COMM_WORLD_SIZE", "6",
                                       "OMPI_COMM_WORLD_LOCAL_SIZE", "3", NULL};
    assert_int_equal(hint_with(ompi, &world, &local), 0);
    assert_int_equal(world, 6);
    assert_int_equal(local, 3);

    /* no local count: every rank on this host */
    static const char *const world_only[] = {"PMI_SIZE", "5", NULL};
    assert_int_equal(hint_with(world_only, &world, &local), 0);
    assert_int_equal(world, 5);
    assert_int_equal(local, 5);

    /* Slurm's "2(x4)": two tasks on each of four nodes */
    static const char *const slurm[] = {"SLURM_NTASKS", "8", "SLURM_STEP_TASKS_PER_NODE", "2(x4)",
                                        NULL};
    assert_int_equal(hint_with(slurm, &world, &local), 0);
    assert_int_equal(world, 8);
    assert_int_equal(local, 2);

    /* Open MPI's own variables come first; unusable values are passed over */
    static const char *const both[] = {"OMPI_COMM_WORLD_SIZE", "4", "SLURM_NTASKS", "8",
                                       "MPI_LOCALNRANKS", "x", "SLURM_NTASKS_PER_NODE", "1",
                                       NULL};
    assert_int_equal(hint_with(both, &world, &local), 0);
    assert_int_equal(world, 4);
    assert_int_equal(local, 1);
    static const char *const junk[] = {"OMPI_COMM_WORLD_SIZE", "0", "PMI_SIZE", "many",
                                       "SLURM_NTASKS", "3", NULL};
    assert_int_equal(hint_with(junk, &world, &local), 0);
    assert_int_equal(world, 3);
    static const char *const bad[] = {"OMPI_COMM_WORLD_SIZE", "-4", NULL};
    assert_int_equal(hint_with(bad, &world, &local), -1);
    hint_with(none, &world, &local);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now_is_monotonic_seconds),
        cmocka_unit_test(test_cpu_seconds_follow_work),
        cmocka_unit_test(test_local_facts_match_the_system),
        cmocka_unit_test(test_cpu_list_follows_affinity),
        cmocka_unit_test(test_peak_rss_follows_memory_touched),
        cmocka_unit_test(test_openblas_facts),
        cmocka_unit_test(test_wait_policy),
        cmocka_unit_test(test_slurm_environment),
        cmocka_unit_test(test_launch_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
