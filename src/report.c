/* report: the human table, JSON Lines records and results files: how a run is shown, not what it computed. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "counter.h"
#include "fault.h"
#include "files.h"
#include "hash.h"
#include "matgen.h"
#include "npy.h"
#include "record.h"
#include "stats.h"
#include "verify.h"
#include "twostage.h"

void report_summarise(report_row *row, const plan_config *cfg, const job_t *job,
                      const outcome_t *outcomes, int repeats,
                      const svd_result *ref, double ref_wall_s, int ref_cores)
{
    memset(row, 0, sizeof *row);
    row->cfg = cfg;
    row->repeats = repeats;

    double walls[JOB_REPEAT_MAX];   /* repeats is at most that, as job_validate allows */
    for (int i = 0; i < repeats; i++)
        walls[i] = outcomes[i].wall_s;
    row->wall_s = stats_median(walls, repeats);
    row->wall_s_min = walls[0];
    row->wall_s_max = walls[repeats - 1];

    /* the run whose wall time is closest to the median gives the details */
    const outcome_t *med = &outcomes[0];
    for (int i = 1; i < repeats; i++)
        if (fabs(outcomes[i].wall_s - row->wall_s) < fabs(med->wall_s - row->wall_s))
            med = &outcomes[i];
    double svd_sum = 0.0, cpu_sum = 0.0;
    for (int r = 0; r < cfg->ranks; r++) {
        const outcome_stats *s = &med->ranks[r];
        row->svd_s = fmax(row->svd_s, s->svd_s);
        row->transfer_s = fmax(row->transfer_s, s->transfer_s);
        row->gen_s = fmax(row->gen_s, s->gen_s);
        row->setup_s = fmax(row->setup_s, s->setup_s);
        row->rss_mb = fmax(row->rss_mb, s->rss_mb);
        svd_sum += s->svd_s;
        cpu_sum += s->cpu_s;
        for (int k = 0; k < 3; k++)
            row->by_kernel[k] += s->by_kernel[k];
    }
    row->gather_s = med->ranks[0].gather_s;
    double mean_svd = svd_sum / cfg->ranks;
    row->imbalance = mean_svd > 0 ? row->svd_s / mean_svd - 1.0 : 0.0;
    row->overhead = med->wall_s > 0 ? (med->wall_s - row->svd_s) / med->wall_s : 0.0;
    row->load_pct = med->wall_s > 0 ? 100.0 * cpu_sum / med->wall_s : 0.0;

    int cores = cfg->ranks * cfg->threads;
    row->speedup = ref_wall_s > 0 && row->wall_s > 0 ? ref_wall_s / row->wall_s : 1.0;
    row->efficiency = ref_wall_s > 0 ? row->speedup * ref_cores / cores : 1.0;
    row->sigma_err = -1.0;

    row->ranks = med->ranks;
    row->balance = med->balance;
    row->makespan_over_lb = med->balance.lb_s > 0 ? med->balance.makespan_s / med->balance.lb_s : 0.0;
    double cpu_max = 0.0, cpu_mean = 0.0;
    double *medians = malloc((size_t)cfg->ranks * sizeof *medians);   /* NULL: no median */
    int n_med = 0;
    for (int r = 0; r < cfg->ranks; r++) {
        const outcome_stats *s = &med->ranks[r];
        cpu_max = fmax(cpu_max, s->busy_cpu_s);
        cpu_mean += s->busy_cpu_s / cfg->ranks;
        row->grabs += s->grabs;
        row->grab_p99_s = fmax(row->grab_p99_s, s->grab_p99_s);
        row->grab_share += s->grab_sum_s;
        if (s->grabs > 0 && medians)
            medians[n_med++] = s->grab_median_s;
    }
    row->cpu_max_over_mean = cpu_mean > 0 ? cpu_max / cpu_mean : 0.0;
    row->grab_median_s = n_med ? stats_median(medians, n_med) : 0.0;
    free(medians);
    double capacity = med->balance.workers * med->balance.makespan_s;
    row->grab_share = capacity > 0 ? row->grab_share / capacity : 0.0;

    const svd_result *last = outcomes[repeats - 1].results;
    row->checksum = verify_checksum(last, job->count);
    row->twostage_nb = outcomes[repeats - 1].twostage_nb;
    for (int i = 0; i < repeats; i++)
        if (outcomes[i].n_failed > row->n_failed)
            row->n_failed = outcomes[i].n_failed;
    int differs = 0;
    const svd_result *against = ref ? ref : outcomes[0].results;
    double rtol = verify_rtol(cfg->dtype);
    for (int i = 0; i < repeats; i++) {
        int64_t boundary;
        differs |= verify_compare_rtol(against, outcomes[i].results, job->count, rtol, &boundary);
        if (boundary > row->boundary)
            row->boundary = boundary;
    }
    row->check = differs || row->n_failed ? REPORT_FAILED : REPORT_PASSED;
}

void report_cross(report_row *row, const job_t *job, const matset *set, const outcome_t *wide,
                  const outcome_t *got)
{
    dtype_t dtype = row->cfg->dtype;
    row->sigma_err = probe_error(&wide->probe, &got->probe, dtype, &row->sigma_err_over_bound);
    int64_t beyond = 0;
    for (int64_t k = 0; k < job->count; k++) {
        const svd_result *a = &wide->results[k], *b = &got->results[k];
        if (a->info != 0 || b->info != 0)
            continue;   /* a failure is already this row's FAILED */
        int64_t m, n;
        matset_shape(set, k, &m, &n);
        beyond += !verify_sum_within(a->sum, b->sum, verify_cross_rtol(m, n, dtype));
    }
    row->cross_beyond = beyond;
    if (beyond || row->sigma_err_over_bound > 1.0)
        row->check = REPORT_FAILED;
}

void report_dtype_line(FILE *out, const job_t *job, dtype_t dtype)
{
    /* the wide dtype's reference exists only when it ran before this one */
    int wide_listed = 0;
    for (int i = 0; i < job->n_dtypes && job->dtypes[i] != dtype; i++)
        wide_listed |= job->dtypes[i] == dtype_wide(dtype) && dtype_single(dtype);
    fprintf(out, "dtype %s: checked against its first configuration%s%s\n", dtype_name(dtype),
            wide_listed ? "; sigma measured against " : "",
            wide_listed ? dtype_name(dtype_wide(dtype)) : "");
}

void report_table_head(FILE *out)
{
    fprintf(out, "\n%5s %7s %-5s %-10s %-16s %-8s %-7s | %9s %7s %6s | %9s %10s %8s %6s %6s | %6s %7s | %s\n",
            "ranks", "threads", "mode", "distribute", "engine", "kernel", "sched", "wall_s",
            "speedup", "effic", "svd_s", "transfer_s", "gather_s", "imbal", "mk/LB", "load%",
            "rss_MB", "check");
}

static const char *check_name(report_check c)
{
    return c == REPORT_PASSED ? RECORD_PASSED : c == REPORT_FAILED ? RECORD_FAILED : "SKIPPED";
}

/* The kernel column: "-" for scalapack, which has no kernel. */
static const char *kernel_label(const plan_config *c)
{
    return c->engine == JOB_ENGINE_SCALAPACK ? "-" : job_kernel_name(c->kernel);
}

/* A scalapack configuration's grid as the record's RECORD_F_GRID has it: "2x1". */
static void grid_name(const plan_config *c, char *buf, size_t len)
{
    snprintf(buf, len, "%dx%d", c->grid_p, c->grid_q);
}

/* The engine column: record_engine_label without the kernel, which has a
 * column of its own. */
static void engine_label(const plan_config *c, char *buf, size_t len)
{
    char grid[32];
    grid_name(c, grid, sizeof grid);
    int scalapack = c->engine == JOB_ENGINE_SCALAPACK;
    record_engine_label(buf, len, job_engine_name(c->engine), NULL,
                        scalapack ? c->ranks / c->group : 1, scalapack ? grid : NULL, c->block);
}

void report_table_row(FILE *out, const report_row *row)
{
    const plan_config *c = row->cfg;
    char engine[48];
    engine_label(c, engine, sizeof engine);
    fprintf(out, "%5d %7d %-5s %-10s %-16s %-8s %-7s | %9.3f %7.2f %6.3f | %9.3f %10.3f %8.4f %5.1f%% %6.2f | %6.0f %7.1f | %s",
            c->ranks, c->threads, job_thread_mode_name(c->mode),
            job_distribute_name(c->distribute), engine, kernel_label(c),
            job_schedule_name(c->schedule), row->wall_s, row->speedup,
            row->efficiency, row->svd_s, row->transfer_s, row->gather_s, 100.0 * row->imbalance,
            row->makespan_over_lb, row->load_pct, row->rss_mb, check_name(row->check));
    if (row->n_failed)
        fprintf(out, " (%lld LAPACK failure(s))", (long long)row->n_failed);
    else if (row->cross_beyond || row->sigma_err_over_bound > 1.0)
        fprintf(out, " (beyond the %s bound: %lld sum(s), sigma error %.2g times the bound)",
                dtype_name(dtype_wide(c->dtype)), (long long)row->cross_beyond,
                row->sigma_err_over_bound);
    else if (row->boundary)
        fprintf(out, " (%lld integer(s) differ only by rounding at an integer)",
                (long long)row->boundary);
    if (row->sigma_err >= 0)
        fprintf(out, " sigma err %.1e vs %s", row->sigma_err, dtype_name(dtype_wide(c->dtype)));
    fputc('\n', out);
}

void report_skipped_row(FILE *out, const plan_config *c)
{
    char engine[48];
    engine_label(c, engine, sizeof engine);
    fprintf(out, "%5d %7d %-5s %-10s %-16s %-8s %-7s | skipped: %s\n", c->ranks, c->threads,
            job_thread_mode_name(c->mode), job_distribute_name(c->distribute), engine,
            kernel_label(c), job_schedule_name(c->schedule), c->skip_reason);
}

void report_seed_lines(FILE *out, const report_row *row, const svd_result *res, int64_t count)
{
    fprintf(out, "Result computed by %d rank(s) x %d thread(s): [", row->cfg->ranks,
            row->cfg->threads);
    for (int64_t k = 0; k < count; k++) {
        if (res[k].info != 0)
            fprintf(out, "%snan", k ? ", " : "");
        else
            fprintf(out, "%s%lld", k ? ", " : "", (long long)res[k].value);
    }
    fprintf(out, "]\nDuration: %.2f s\n%d-ranks speedup: %.2f\n", row->wall_s, row->cfg->ranks,
            row->speedup);
}

void report_failures(FILE *out, const svd_result *res, int64_t count)
{
    for (int64_t k = 0; k < count; k++) {
        if (res[k].info == SVD_INFO_NONFINITE)
            fprintf(out, "error: matrix %lld: singular values are not finite\n", (long long)k);
        else if (res[k].info != 0)
            fprintf(out, "error: matrix %lld: LAPACK info = %lld%s\n", (long long)k,
                    (long long)res[k].info,
                    res[k].info < 0 ? " (an argument had an illegal value, e.g. NaN input)"
                                    : " (no convergence)");
    }
}

void report_summary(FILE *out, int passed, int failed, int skipped)
{
    fprintf(out, "\nconfigurations: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
}

/* The set's description for the record: the shapes or size_dist key as
 * given, "files" for a multi-file input, or NULL for one shape. */
static json_t *set_spec(const job_t *job)
{
    char buf[64 * MATSET_CLASSES_MAX];
    size_t used = 0;
    if (job->input_files)
        return json_string("files");
    if (job->set.dist) {
        snprintf(buf, sizeof buf, "lognormal:%.15g:%.15g:%lld:%lld", job->set.median,
                 job->set.sigma, (long long)job->set.dist_min, (long long)job->set.dist_max);
        return json_string(buf);
    }
    if (!job->set.n_classes)
        return json_null();
    for (int i = 0; i < job->set.n_classes && used < sizeof buf; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%lldx%lld:%lld", i ? "," : "",
                                 (long long)job->set.classes[i].rows,
                                 (long long)job->set.classes[i].cols,
                                 (long long)job->set.classes[i].count);
    return json_string(buf);
}

/* The schedule and balance fields (docs/json-records.md). */
static void balance_fields(json_t *rec, const job_t *job, const report_row *row)
{
    const plan_config *c = row->cfg;
    const outcome_balance *b = &row->balance;
    json_object_set_new(rec, RECORD_F_SCHEDULE, json_string(job_schedule_name(c->schedule)));
    json_object_set_new(rec, RECORD_F_MIXED, json_boolean(job_mixed(job)));
    json_object_set_new(rec, RECORD_F_SET, set_spec(job));
    json_object_set_new(rec, RECORD_F_WORKERS, json_integer(b->workers));
    json_object_set_new(rec, RECORD_F_MAKESPAN_S, json_real(b->makespan_s));
    json_object_set_new(rec, RECORD_F_LB_S, json_real(b->lb_s));
    json_object_set_new(rec, RECORD_F_LB_BOUND, json_string(b->lb_by_max ? "max" : "sum"));
    json_object_set_new(rec, RECORD_F_MAKESPAN_OVER_LB, json_real(row->makespan_over_lb));
    json_object_set_new(rec, RECORD_F_CPU_LB_S, json_real(b->cpu_lb_s));
    json_object_set_new(rec, RECORD_F_CPU_MAX_OVER_MEAN, json_real(row->cpu_max_over_mean));
    json_t *loop = json_array(), *busy = json_array(), *busy_cpu = json_array();
    for (int r = 0; row->ranks && r < c->ranks; r++) {
        json_array_append_new(loop, json_real(row->ranks[r].loop_s));
        json_array_append_new(busy, json_real(row->ranks[r].busy_s));
        json_array_append_new(busy_cpu, json_real(row->ranks[r].busy_cpu_s));
    }
    json_object_set_new(rec, RECORD_F_LOOP_S, loop);
    json_object_set_new(rec, RECORD_F_BUSY_S, busy);
    json_object_set_new(rec, RECORD_F_BUSY_CPU_S, busy_cpu);
    int dynamic = c->schedule == JOB_SCHED_DYNAMIC;
    json_object_set_new(rec, RECORD_F_GRABS, dynamic ? json_integer((json_int_t)row->grabs) : json_null());
    json_object_set_new(rec, RECORD_F_GRAB_MEDIAN_US,
                        dynamic ? json_real(1e6 * row->grab_median_s) : json_null());
    json_object_set_new(rec, RECORD_F_GRAB_P99_US,
                        dynamic ? json_real(1e6 * row->grab_p99_s) : json_null());
    json_object_set_new(rec, RECORD_F_GRAB_SHARE, dynamic ? json_real(row->grab_share) : json_null());
    json_object_set_new(rec, RECORD_F_COUNTER,
                        dynamic && b->counter_kind >= 0
                            ? json_string(counter_kind_name(b->counter_kind))
                            : json_null());
}

int report_json_append(const char *path, const job_t *job, const report_row *row,
                       const sysinfo_rank *ranks, int nranks, const char *mpi_version,
                       const tunerep_t *tune, char *err, size_t errlen)
{
    const plan_config *c = row->cfg;
    char checksum[20], stamp[32];
    snprintf(checksum, sizeof checksum, "%016llx", (unsigned long long)row->checksum);
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));

    sysinfo_hosts hs;
    if (sysinfo_hosts_of(ranks, c->ranks < nranks ? c->ranks : nranks, &hs) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    json_t *hosts = json_array();
    for (int h = 0; h < hs.n; h++)
        json_array_append_new(hosts, json_string(ranks[hs.first[h]].host));
    sysinfo_hosts_free(&hs);
    const char *slurm = sysinfo_slurm_job_id(), *step = sysinfo_slurm_step_id(),
               *nodes = sysinfo_slurm_nodelist();
    int cpt = sysinfo_slurm_cpus_per_task();
    json_t *rank_cpus = json_array();
    for (int r = 0; r < c->ranks && r < nranks; r++)
        json_array_append_new(rank_cpus, json_string(ranks[r].cpus));

    json_t *rec = json_pack(
        "{s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:i,"
        " s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f,"
        " s:s, s:s, s:I, s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:s}",
        RECORD_F_SCHEMA, RECORD_SCHEMA, RECORD_F_VERSION, SVDRUN_VERSION,
        RECORD_F_NAME, job->name,
        RECORD_F_ROWS, (json_int_t)job->rows, RECORD_F_COLS, (json_int_t)job->cols,
        RECORD_F_COUNT, (json_int_t)job->count, RECORD_F_SEED, (json_int_t)job->seed,
        RECORD_F_VECTORS, job_vectors_name(job->vectors),
        RECORD_F_DRIVER, job_driver_name(job->driver),
        RECORD_F_DISTRIBUTE, job_distribute_name(c->distribute),
        RECORD_F_ENGINE, job_engine_name(c->engine),
        RECORD_F_RANKS, c->ranks, RECORD_F_THREADS, c->threads,
        RECORD_F_THREAD_MODE, job_thread_mode_name(c->mode),
        RECORD_F_REPEAT, row->repeats,
        RECORD_F_WALL_S, row->wall_s, RECORD_F_WALL_S_MIN, row->wall_s_min,
        RECORD_F_WALL_S_MAX, row->wall_s_max,
        RECORD_F_SVD_S, row->svd_s, RECORD_F_TRANSFER_S, row->transfer_s,
        RECORD_F_GEN_S, row->gen_s, RECORD_F_GATHER_S, row->gather_s,
        RECORD_F_IMBALANCE, row->imbalance, RECORD_F_OVERHEAD, row->overhead,
        RECORD_F_SPEEDUP, row->speedup, RECORD_F_EFFICIENCY, row->efficiency,
        RECORD_F_LOAD_PCT, row->load_pct, RECORD_F_RSS_MB, row->rss_mb,
        RECORD_F_CHECKSUM, checksum, RECORD_F_CHECK, check_name(row->check),
        RECORD_F_FAILED, (json_int_t)row->n_failed, RECORD_F_BOUNDARY, (json_int_t)row->boundary,
        RECORD_F_HOSTS, hosts, RECORD_F_MPI_VERSION, mpi_version,
        RECORD_F_OPENBLAS_CONFIG, sysinfo_openblas_config(),
        RECORD_F_OPENBLAS_PARALLEL, sysinfo_openblas_parallel(),
        RECORD_F_OMP_WAIT_POLICY, sysinfo_wait_policy(),
        RECORD_F_SLURM_JOB_ID, slurm ? json_string(slurm) : json_null(),
        RECORD_F_TIMESTAMP, stamp);
    if (rec) {
        /* json_pack takes at most so many pairs in one format: the rest go in here */
        json_object_set_new(rec, RECORD_F_SLURM_STEP_ID, step ? json_string(step) : json_null());
        json_object_set_new(rec, RECORD_F_SLURM_NODELIST, nodes ? json_string(nodes) : json_null());
        json_object_set_new(rec, RECORD_F_SLURM_CPUS_PER_TASK,
                            cpt ? json_integer(cpt) : json_null());
        json_object_set_new(rec, RECORD_F_RANK_CPUS, rank_cpus);
        json_object_set_new(rec, RECORD_F_SETUP_S, json_real(row->setup_s));
        int scalapack = c->engine == JOB_ENGINE_SCALAPACK;
        char grid[32];
        grid_name(c, grid, sizeof grid);
        json_object_set_new(rec, RECORD_F_GROUP, scalapack ? json_integer(c->group) : json_null());
        json_object_set_new(rec, RECORD_F_GRID, scalapack ? json_string(grid) : json_null());
        json_object_set_new(rec, RECORD_F_BLOCK, scalapack ? json_integer(c->block) : json_null());
        /* scalapack has no kernel: null, as group, grid and block are for lapack */
        json_object_set_new(rec, RECORD_F_KERNEL,
                            scalapack ? json_null() : json_string(job_kernel_name(c->kernel)));
        json_object_set_new(rec, RECORD_F_DTYPE, json_string(dtype_name(c->dtype)));
        if (row->sigma_err >= 0) {
            json_object_set_new(rec, RECORD_F_SIGMA_ERR, json_real(row->sigma_err));
            json_object_set_new(rec, RECORD_F_SIGMA_ERR_REF,
                                json_string(dtype_name(dtype_wide(c->dtype))));
            json_object_set_new(rec, RECORD_F_SIGMA_ERR_BOUND, json_real(row->sigma_err_over_bound));
        }
        json_object_set_new(rec, RECORD_F_TWOSTAGE_NB, json_integer(row->twostage_nb));
        json_object_set_new(rec, RECORD_F_KERNEL_MATRICES,
                            scalapack ? json_null()
                                      : json_pack("{s:I, s:I, s:I}", "lapack",
                                                  (json_int_t)row->by_kernel[JOB_KERNEL_LAPACK],
                                                  "twostage",
                                                  (json_int_t)row->by_kernel[JOB_KERNEL_TWOSTAGE],
                                                  "jacobi",
                                                  (json_int_t)row->by_kernel[JOB_KERNEL_JACOBI]));
        json_object_set_new(rec, RECORD_F_INPUT,
                            job->input[0] ? json_string(job->input) : json_null());
        json_object_set_new(rec, RECORD_F_INPUT_DTYPE,
                            !job->input[0]          ? json_null()
                            : job->input_files      ? json_string("files")
                                                    : json_string(dtype_descr(job->input_dtype)));
        balance_fields(rec, job, row);
        json_object_set_new(rec, RECORD_F_INPUT_ORDER,
                            !job->input[0]       ? json_null()
                            : job->input_files   ? json_string("files")
                            : job->input_fortran ? json_string("F")
                                                 : json_string("C"));
    } else {
        json_decref(rank_cpus);
    }
    if (rec && tune && tunerep_json(rec, tune) != 0) {
        json_decref(rec);
        rec = NULL;
    }
    if (!rec) {
        snprintf(err, errlen, "%s: cannot build the JSON record", path);
        return -1;
    }
    char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(9));
    json_decref(rec);
    if (!line) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t len = strlen(line);
    line[len] = '\n';   /* json_dumps leaves room: replace the NUL, write len+1 */

    int rc = -1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    } else {
        /* one write under an exclusive lock: concurrent runs never interleave */
        if (flock(fd, LOCK_EX) != 0 || npy_write_all(fd, line, len + 1) != 0)
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        else
            rc = 0;
        if (close(fd) != 0 && rc == 0) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            rc = -1;
        }
    }
    free(line);
    return rc;
}

int report_finish(FILE *out, const char *results_path, const svd_result *res, int64_t count,
                  int passed, int failed, int skipped, int stopped, char *err, size_t errlen)
{
    int rc = 0;
    if (res && results_path) {
        if (fault_here("results", 0)) {
            snprintf(err, errlen, "%s: injected fault: results", results_path);
            rc = -1;
        } else {
            rc = report_results_write(results_path, res, count, err, errlen);
        }
    }
    if (!stopped)
        report_summary(out, passed, failed, skipped);
    if ((fflush(out) != 0 || ferror(out)) && rc == 0) {
        snprintf(err, errlen, "standard output: cannot write the table: %s", strerror(errno));
        rc = -1;
    }
    return rc;
}

int report_results_write(const char *path, const svd_result *res, int64_t count,
                         char *err, size_t errlen)
{
    char tmp[4096];
    int long_name = files_temp_path(tmp, sizeof tmp, path);
    FILE *f = long_name ? NULL : fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create: %s", path,
                 strerror(long_name ? long_name : errno));
        return -1;
    }
    for (int64_t k = 0; k < count; k++) {
        if (res[k].info != 0)
            fputs("nan\n", f);
        else
            fprintf(f, "%lld\n", (long long)res[k].value);
    }
    int bad = ferror(f) ? EIO : 0, closed = fclose(f) == 0 ? 0 : errno;
    return files_replace(tmp, path, bad ? bad : closed, err, errlen) ? -1 : 0;
}

void report_progress_start(report_progress *p, int enabled, const char *label)
{
    p->enabled = enabled;
    p->start = p->last_draw = 0.0;
    p->label = label;
    p->start = sysinfo_now();
}

void report_progress_update(void *ctx, int64_t done, int64_t total)
{
    report_progress *p = ctx;
    if (!p->enabled)
        return;
    double now = sysinfo_now();
    if (done < total && now - p->last_draw < 0.25)
        return;      /* redraws are rare, so they cost the timings nothing */
    p->last_draw = now;
    double elapsed = now - p->start;
    double eta = done > 0 ? elapsed * (double)(total - done) / (double)done : 0.0;
    fprintf(stderr, "\r%s: rank 0 %lld/%lld matrices, %.1f s, ETA %.1f s   ", p->label,
            (long long)done, (long long)total, elapsed, eta);
    fflush(stderr);
}

void report_progress_end(report_progress *p)
{
    if (p->enabled) {
        fprintf(stderr, "\r%*s\r", 78, "");
        fflush(stderr);
    }
}
