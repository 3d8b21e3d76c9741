/* banner: what svdrun prints before the sweep: the header (job, MPI, OpenBLAS, hosts, ranks) and the warnings on binding and oversubscription. */
#include "banner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jacobi.h"
#include "log.h"
#include "svd.h"
#include "twostage.h"

/* The header's line on kernel twostage, when the job asks for it: the band
 * width, or that LAPACK runs instead (below the crossover, or no engine
 * lapack to use it). */
static void kernel_line(FILE *out, const job_t *job, int twostage_nb)
{
    int twostage = 0, lapack = 0;
    for (int i = 0; i < job->n_kernels; i++)
        twostage |= job->kernels[i] == JOB_KERNEL_TWOSTAGE;
    for (int i = 0; i < job->n_engines; i++)
        lapack |= job->engines[i] == JOB_ENGINE_LAPACK;
    if (!twostage)
        return;
    if (job_mixed(job)) {
        fprintf(out, "kernel twostage: each matrix's band width by its min(rows, cols); LAPACK's "
                     "%s below %d (TWOSTAGE_MIN_N)\n", job_driver_name(job->driver), TWOSTAGE_MIN_N);
        return;
    }
    int64_t mn = job->rows < job->cols ? job->rows : job->cols;
    if (!lapack)
        fprintf(out, "kernel twostage: applies to engine lapack only; not used here\n");
    else if (twostage_nb > 0)
        fprintf(out, "kernel twostage: band width nb = %d for min(rows, cols) = %lld\n",
                twostage_nb, (long long)mn);
    else
        fprintf(out, "kernel twostage: min(rows, cols) = %lld is below %d (TWOSTAGE_MIN_N), so "
                     "LAPACK's %s runs in its configurations (twostage_nb 0)\n",
                (long long)mn, TWOSTAGE_MIN_N, job_driver_name(job->driver));
}

/* The header's line on kernels jacobi and auto, when the job asks for them:
 * the SIMD path and which shapes each takes. */
static void pack_line(FILE *out, const job_t *job)
{
    int jacobi = 0, autok = 0;
    for (int i = 0; i < job->n_kernels; i++) {
        jacobi |= job->kernels[i] == JOB_KERNEL_JACOBI;
        autok |= job->kernels[i] == JOB_KERNEL_AUTO;
    }
    int f64 = 0, others = 0;
    for (int i = 0; i < job->n_dtypes; i++) {
        f64 |= job->dtypes[i] == DTYPE_F64;
        others |= job->dtypes[i] != DTYPE_F64;
    }
    if (autok && others)
        fprintf(out, "kernel auto: LAPACK's %s in every dtype but float64 (twostage and jacobi "
                     "compute float64 only)\n", job_driver_name(job->driver));
    jacobi_path path;
    if ((!jacobi && !autok) || !f64 || jacobi_path_pick(&path) != 0)
        return;
    int simd = svd_jacobi_simd();
    /* auto's path only where a matrix of the set can take it */
    int auto_small = autok && simd &&
                     (job_mixed(job) || svd_kernel_of(job->rows, job->cols, job->vectors,
                                                      JOB_KERNEL_AUTO, simd) == JOB_KERNEL_JACOBI);
    if (jacobi || auto_small)
        fprintf(out, "kernel %s: one-sided Jacobi on packs of %d same-shape matrices, %s path; "
                     "min(rows, cols) up to %d%s\n",
                jacobi ? "jacobi" : "auto's jacobi", JACOBI_LANES, jacobi_path_name(path),
                JACOBI_MAX_N, job->vectors == JOB_VECTORS_FULL ? ", square only for vectors full" : "");
    if (!autok)
        return;
    char small[96] = "";
    if (simd)
        snprintf(small, sizeof small, "jacobi while max(rows, cols) <= %lld, ",
                 (long long)svd_auto_jacobi_max(job->vectors));
    else
        snprintf(small, sizeof small, "no jacobi (its path here is portable, no faster than "
                                      "LAPACK), ");
    if (job->vectors == JOB_VECTORS_NONE)
        fprintf(out, "kernel auto: %stwostage from min(rows, cols) %d, LAPACK's %s otherwise "
                     "(svd.c's table)\n", small, TWOSTAGE_MIN_N, job_driver_name(job->driver));
    else
        fprintf(out, "kernel auto: %sLAPACK's %s otherwise (svd.c's table)\n", small,
                job_driver_name(job->driver));
}

/* The dtype line, unless the job computes in float64 alone, and what each
 * conversion of the input does; narrowing warns (it rounds the user's data). */
static void dtype_lines(FILE *out, const job_t *job)
{
    if (job->n_dtypes == 1 && job->dtypes[0] == DTYPE_F64 && !(job->input[0] &&
                                                                job->input_dtype != DTYPE_F64))
        return;
    fprintf(out, "dtype:");
    for (int i = 0; i < job->n_dtypes; i++)
        fprintf(out, "%s %s (LAPACK's %c)", i ? "," : "", dtype_name(job->dtypes[i]),
                dtype_letter(job->dtypes[i]));
    fputc('\n', out);
    for (int i = 0; job->input[0] && i < job->n_dtypes; i++) {
        dtype_t from = job->input_dtype, to = job->dtypes[i];
        if (from == to)
            continue;
        if (dtype_narrows(from, to))
            log_msg(LOG_WARNING, "dtype %s: the input's %s matrices are rounded to single "
                    "precision", dtype_name(to), dtype_name(from));
        else
            fprintf(out, "dtype %s: the input's %s matrices are converted exactly%s\n",
                    dtype_name(to), dtype_name(from),
                    dtype_complex(to) && !dtype_complex(from) ? " (imaginary parts zero)" : "");
    }
}

int banner_header(FILE *out, const job_t *job, const matset *set, const char *job_path,
                  const sysinfo_rank *ranks, int nranks, const char *mpi_version,
                  int twostage_nb)
{
    char shape[96];
    if (job_mixed(job) && set)
        snprintf(shape, sizeof shape, "mixed shapes up to %lld x %lld (%s)",
                 (long long)set->max_rows, (long long)set->max_cols,
                 job->input_files ? "the input's files" : job->set.dist ? "size_dist" : "shapes");
    else
        snprintf(shape, sizeof shape, "%lld x %lld", (long long)job->rows, (long long)job->cols);
    fprintf(out, "svdrun %s: job \"%s\"%s%s%s: %lld matrices of %s, seed %llu, vectors %s, %s\n",
            SVDRUN_VERSION, job->name, job_path ? " (" : "", job_path ? job_path : "",
            job_path ? ")" : "", (long long)job->count, shape, (unsigned long long)job->seed,
            job_vectors_name(job->vectors), job_driver_name(job->driver));
    if (job->input_files)
        fprintf(out, "input: %s, %lld matrices in its files (each <f8, <f4, <c16 or <c8, C or "
                     "Fortran order, as its header says; together %s)\n", job->input,
                (long long)job->count, dtype_name(job->input_dtype));
    else if (job->input[0])
        fprintf(out, "input: %s, %s, %s order\n", job->input, dtype_descr(job->input_dtype),
                job->input_fortran ? "Fortran" : "C");
    dtype_lines(out, job);
    kernel_line(out, job, twostage_nb);
    pack_line(out, job);
    char mpi[128];
    snprintf(mpi, sizeof mpi, "%s", mpi_version);
    mpi[strcspn(mpi, ",\n")] = '\0';
    fprintf(out, "MPI: %s, %d rank%s launched\n", mpi, nranks, nranks == 1 ? "" : "s");
    fprintf(out, "OpenBLAS: %s (threading: %s)\n", sysinfo_openblas_config(),
            sysinfo_openblas_parallel());
    if (getenv("SVDRUN_WAIT_POLICY"))
        fprintf(out, "OpenMP wait policy: passive, set by svdrun because a configuration "
                     "oversubscribes a host; configurations that do not are measured with it "
                     "too (set OMP_WAIT_POLICY to choose, or launch them apart)\n");
    else
        fprintf(out, "OpenMP wait policy: %s\n", sysinfo_wait_policy());
    sysinfo_hosts hs;
    int have_hosts = sysinfo_hosts_of(ranks, nranks, &hs) == 0;
    for (int h = 0; have_hosts && h < hs.n; h++) {
        const sysinfo_rank *s = &ranks[hs.first[h]];
        fprintf(out, "host %s: %d rank(s), %d CPUs online, %.1f GiB available\n", s->host,
                hs.count[h], s->n_online, (double)s->mem_available / (1 << 30));
    }
    sysinfo_hosts_free(&hs);
    if (sysinfo_slurm_job_id()) {
        const char *step = sysinfo_slurm_step_id(), *nodes = sysinfo_slurm_nodelist();
        int cpt = sysinfo_slurm_cpus_per_task();
        fprintf(out, "Slurm: job %s", sysinfo_slurm_job_id());
        if (step)
            fprintf(out, ", step %s", step);
        if (nodes)
            fprintf(out, ", nodes %s", nodes);
        if (cpt)
            fprintf(out, ", %d CPUs per task", cpt);
        fputc('\n', out);
    }
    for (int r = 0; r < nranks; r++)
        fprintf(out, "rank %d: %s, CPUs %s\n", r, ranks[r].host, ranks[r].cpus);
    return have_hosts ? 0 : ENOMEM;
}

int banner_warnings(FILE *out, const plan_t *plan, const sysinfo_rank *ranks, int nranks)
{
    int printed = 0, max_threads_warned = 0, node_warned = 0, cpt_warned = 0;
    int cpt = sysinfo_slurm_cpus_per_task();
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        if (c->skipped)
            continue;
        /* Slurm reserved cpus-per-task CPUs for each rank; other counts waste or oversubscribe them */
        if (cpt && c->threads != cpt && c->threads != cpt_warned) {
            fprintf(out,
                    "warning: configuration %dx%d runs %d thread(s) per rank, but Slurm gave each "
                    "task %d CPU(s) (SLURM_CPUS_PER_TASK); use --threads=%d or sbatch "
                    "--cpus-per-task=%d\n",
                    c->ranks, c->threads, c->threads, cpt, cpt, c->threads);
            cpt_warned = c->threads;
            printed++;
        }
        /* a rank bound to fewer CPUs than threads time-slices its own threads */
        for (int r = 0; r < c->ranks && r < nranks; r++)
            if (ranks[r].n_allowed > 0 && c->threads > ranks[r].n_allowed &&
                c->threads > max_threads_warned) {
                /* the fix depends on the launcher: srun binds by -c, mpirun by its mapping */
                if (sysinfo_slurm_step_id())
                    fprintf(out,
                            "warning: rank %d may run on %d CPU(s) (%s) but configuration %dx%d "
                            "asks for %d threads; they will share. Launch with srun -c %d (or "
                            "export SRUN_CPUS_PER_TASK=%d: since Slurm 22.05 srun does not read "
                            "SLURM_CPUS_PER_TASK)\n",
                            r, ranks[r].n_allowed, ranks[r].cpus, c->ranks, c->threads,
                            c->threads, c->threads, c->threads);
                else
                    fprintf(out,
                            "warning: rank %d may run on %d CPU(s) (%s) but configuration %dx%d "
                            "asks for %d threads; they will share. Launch with mpirun --bind-to "
                            "none or --map-by slot:PE=%d\n",
                            r, ranks[r].n_allowed, ranks[r].cpus, c->ranks, c->threads,
                            c->threads, c->threads);
                max_threads_warned = c->threads;
                printed++;
                break;
            }
        sysinfo_hosts hs;
        if (sysinfo_hosts_of(ranks, c->ranks < nranks ? c->ranks : nranks, &hs) != 0)
            return -1;
        for (int h = 0; h < hs.n; h++) {
            int want = hs.count[h] * c->threads, have = ranks[hs.first[h]].n_online;
            if (have > 0 && want > have && want > node_warned) {
                fprintf(out,
                        "warning: configuration %dx%d puts %d rank(s) x %d thread(s) = %d on "
                        "host %s, which has %d CPUs: oversubscribed, timings will not scale\n",
                        c->ranks, c->threads, hs.count[h], c->threads, want,
                        ranks[hs.first[h]].host, have);
                node_warned = want;
                printed++;
            }
        }
        sysinfo_hosts_free(&hs);
    }
    return printed;
}
