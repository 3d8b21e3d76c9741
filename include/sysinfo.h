/* sysinfo: facts about this process and node: host, affinity, libraries, resource use. */
#ifndef SVDRUN_SYSINFO_H
#define SVDRUN_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

#define SYSINFO_HOST_MAX 64
#define SYSINFO_CPUS_MAX 128

/* What each rank reports about itself; flat, so it can be gathered as bytes. */
typedef struct {
    char host[SYSINFO_HOST_MAX];
    char cpus[SYSINFO_CPUS_MAX];    /* allowed CPUs as a list, e.g. "0-1" */
    int n_allowed;                  /* CPUs this process may run on */
    int n_online;                   /* CPUs online on the node */
    int ranks_on_node;              /* ranks of the launch sharing this node */
    int64_t mem_available;          /* bytes, MemAvailable of the node */
} sysinfo_rank;

/* Fills what can be read locally; ranks_on_node is the caller's to set.
 * Never fails: unknown facts become "?" or 0. */
void sysinfo_local(sysinfo_rank *info);

/* OpenBLAS's build configuration and threading model ("sequential",
 * "pthreads", "openmp"); static strings. */
const char *sysinfo_openblas_config(void);
const char *sysinfo_openblas_parallel(void);

/* This node's CPU model ("model name" of /proc/cpuinfo), or "?". */
void sysinfo_cpu_model(char *buf, size_t len);

/* User plus system CPU seconds of this process (all threads). */
double sysinfo_cpu_seconds(void);

/* Resets the kernel's peak-RSS mark (Linux clear_refs 5), so the next
 * sysinfo_peak_rss_mb covers only what follows. Returns 0 or -1 when the
 * kernel does not allow it (the peak then covers the whole process). */
int sysinfo_reset_peak_rss(void);
double sysinfo_peak_rss_mb(void);

/* Monotonic seconds. */
double sysinfo_now(void);

/* The calling thread's CPU seconds (0 when the clock is missing): what a
 * matrix cost its thread even when ranks oversubscribe the cores. */
double sysinfo_thread_cpu_seconds(void);

/* Before MPI_Init: the launch's world size and this host's rank count, from
 * the launcher's environment (Open MPI, MPICH/Hydra, Slurm). Returns 0, or
 * -1 when no launcher variable is set. */
int sysinfo_launch_hint(int *world, int *local);

/* The OpenMP wait policy in force: OMP_WAIT_POLICY, or "default". */
const char *sysinfo_wait_policy(void);

/* The Slurm job id, or NULL outside Slurm. */
const char *sysinfo_slurm_job_id(void);

/* The Slurm step id and node list, or NULL outside a step or Slurm. */
const char *sysinfo_slurm_step_id(void);
const char *sysinfo_slurm_nodelist(void);

/* SLURM_CPUS_PER_TASK, or 0 when unset or not a number. */
int sysinfo_slurm_cpus_per_task(void);

/* The distinct hosts of some ranks, in rank order: host h's first rank
 * and how many ranks it holds. */
typedef struct {
    int n;
    int *first;
    int *count;
} sysinfo_hosts;

/* Groups ranks[0..n) by host into h. A launch's rank count is unbounded, so
 * the arrays are on the heap. Returns 0, or ENOMEM with h empty (safe to
 * free). */
int sysinfo_hosts_of(const sysinfo_rank *ranks, int n, sysinfo_hosts *h);

void sysinfo_hosts_free(sysinfo_hosts *h);

#endif
