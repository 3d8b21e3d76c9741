/* sysinfo: facts about this process and node: host, affinity, libraries, resource use. */
#include "sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int env_int(const char *name);

/* OpenBLAS exports these; its headers clash with LAPACKE's, so declare them. */
extern char *openblas_get_config(void);
extern int openblas_get_parallel(void);

/* Formats the CPUs in set as "0-3,8" into buf. */
static void format_cpuset(const cpu_set_t *set, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE && used < len; c++) {
        if (!CPU_ISSET(c, set))
            continue;
        int end = c;
        while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, set))
            end++;
        int w = (end > c) ? snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "", c, end)
                          : snprintf(buf + used, len - used, "%s%d", used ? "," : "", c);
        used += (size_t)w;
        c = end;
    }
}

/* MemAvailable from /proc/meminfo in bytes, or 0 when unreadable. */
static int64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    long long kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
            break;
    fclose(f);
    return (int64_t)kb * 1024;
}

void sysinfo_local(sysinfo_rank *info)
{
    memset(info, 0, sizeof *info);
    if (gethostname(info->host, sizeof info->host - 1) != 0)
        strcpy(info->host, "?");
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        info->n_allowed = CPU_COUNT(&set);
        format_cpuset(&set, info->cpus, sizeof info->cpus);
    } else {
        strcpy(info->cpus, "?");
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    info->n_online = online > 0 ? (int)online : 0;
    info->ranks_on_node = 1;
    info->mem_available = mem_available();
}

const char *sysinfo_openblas_config(void)
{
    return openblas_get_config();
}

void sysinfo_cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "?");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        const char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !colon)
            continue;
        colon += 1 + (colon[1] == ' ');
        snprintf(buf, len, "%.*s", (int)strcspn(colon, "\n"), colon);
        break;
    }
    fclose(f);
}

const char *sysinfo_openblas_parallel(void)
{
    switch (openblas_get_parallel()) {
    case 0: return "sequential";
    case 1: return "pthreads";
    case 2: return "openmp";
    default: return "unknown";
    }
}

double sysinfo_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

int sysinfo_reset_peak_rss(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, "5", 1);
    close(fd);
    return w == 1 ? 0 : -1;
}

double sysinfo_peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    long long kb = -1;
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
                break;
        fclose(f);
    }
    if (kb < 0) {
        struct rusage ru;
        kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    }
    return (double)kb / 1024.0;
}

double sysinfo_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double sysinfo_thread_cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *sysinfo_slurm_job_id(void)
{
    return getenv("SLURM_JOB_ID");
}

const char *sysinfo_slurm_step_id(void)
{
    return getenv("SLURM_STEP_ID");
}

const char *sysinfo_slurm_nodelist(void)
{
    const char *v = getenv("SLURM_JOB_NODELIST");
    return v ? v : getenv("SLURM_NODELIST");
}

int sysinfo_slurm_cpus_per_task(void)
{
    int v = env_int("SLURM_CPUS_PER_TASK");
    return v > 0 ? v : 0;
}

/* The leading integer of an environment variable ("2(x3)" gives 2), or -1. */
static int env_int(const char *name)
{
    const char *v = getenv(name);
    if (!v || *v < '0' || *v > '9')
        return -1;
    return atoi(v);
}

int sysinfo_launch_hint(int *world, int *local)
{
    static const char *const worlds[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS", NULL};
    static const char *const locals[] = {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS",
                                         "SLURM_STEP_TASKS_PER_NODE", "SLURM_NTASKS_PER_NODE", NULL};
    *world = *local = -1;
    for (int i = 0; worlds[i] && *world <= 0; i++)
        *world = env_int(worlds[i]);
    for (int i = 0; locals[i] && *local <= 0; i++)
        *local = env_int(locals[i]);
    if (*world <= 0)
        return -1;
    if (*local <= 0)
        *local = *world;
    return 0;
}

const char *sysinfo_wait_policy(void)
{
    const char *p = getenv("OMP_WAIT_POLICY");
    return p && *p ? p : "default";
}

int sysinfo_hosts_of(const sysinfo_rank *ranks, int n, sysinfo_hosts *h)
{
    h->n = 0;
    h->first = malloc(2 * (size_t)(n > 0 ? n : 1) * sizeof(int));
    h->count = h->first ? h->first + (n > 0 ? n : 1) : NULL;
    if (!h->first)
        return ENOMEM;
    for (int r = 0; r < n; r++) {
        int k = 0;
        while (k < h->n && strcmp(ranks[h->first[k]].host, ranks[r].host) != 0)
            k++;
        if (k == h->n) {
            h->first[h->n] = r;
            h->count[h->n++] = 0;
        }
        h->count[k]++;
    }
    return 0;
}

void sysinfo_hosts_free(sysinfo_hosts *h)
{
    free(h->first);
    h->first = h->count = NULL;
    h->n = 0;
}
