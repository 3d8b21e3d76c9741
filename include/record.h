/* record: the JSON record's schema, its field names and the configuration label, shared by svdrun (writer) and svdreport (reader). */
#ifndef SVDRUN_RECORD_H
#define SVDRUN_RECORD_H

#include <stddef.h>

/* The record's schema version: written in RECORD_F_SCHEMA, and the only one
 * the reader accepts. */
#define RECORD_SCHEMA 1

/* The field names (docs/json-records.md), one constant each so that the
 * writer and the reader cannot drift apart. */
#define RECORD_F_SCHEMA              "schema"
#define RECORD_F_VERSION             "svdrun_version"
#define RECORD_F_NAME                "name"
#define RECORD_F_ROWS                "rows"
#define RECORD_F_COLS                "cols"
#define RECORD_F_COUNT               "count"
#define RECORD_F_SEED                "seed"
#define RECORD_F_VECTORS             "vectors"
#define RECORD_F_DRIVER              "driver"
#define RECORD_F_DISTRIBUTE          "distribute"
#define RECORD_F_ENGINE              "engine"
#define RECORD_F_RANKS               "ranks"
#define RECORD_F_THREADS             "threads"
#define RECORD_F_THREAD_MODE         "thread_mode"
#define RECORD_F_REPEAT              "repeat"
#define RECORD_F_WALL_S              "wall_s"
#define RECORD_F_WALL_S_MIN          "wall_s_min"
#define RECORD_F_WALL_S_MAX          "wall_s_max"
#define RECORD_F_SVD_S               "svd_s"
#define RECORD_F_TRANSFER_S          "transfer_s"
#define RECORD_F_GEN_S               "gen_s"
#define RECORD_F_GATHER_S            "gather_s"
#define RECORD_F_IMBALANCE           "imbalance"
#define RECORD_F_OVERHEAD            "overhead"
#define RECORD_F_SPEEDUP             "speedup"
#define RECORD_F_EFFICIENCY          "efficiency"
#define RECORD_F_LOAD_PCT            "load_pct"
#define RECORD_F_RSS_MB              "rss_mb"
#define RECORD_F_CHECKSUM            "checksum"
#define RECORD_F_CHECK               "check"
#define RECORD_F_FAILED              "failed"
#define RECORD_F_BOUNDARY            "boundary"
#define RECORD_F_HOSTS               "hosts"
#define RECORD_F_MPI_VERSION         "mpi_version"
#define RECORD_F_OPENBLAS_CONFIG     "openblas_config"
#define RECORD_F_OPENBLAS_PARALLEL   "openblas_parallel"
#define RECORD_F_OMP_WAIT_POLICY     "omp_wait_policy"
#define RECORD_F_SLURM_JOB_ID        "slurm_job_id"
#define RECORD_F_TIMESTAMP           "timestamp"
#define RECORD_F_SLURM_STEP_ID       "slurm_step_id"
#define RECORD_F_SLURM_NODELIST      "slurm_nodelist"
#define RECORD_F_SLURM_CPUS_PER_TASK "slurm_cpus_per_task"
#define RECORD_F_RANK_CPUS           "rank_cpus"
#define RECORD_F_SETUP_S             "setup_s"
#define RECORD_F_GROUP               "group"
#define RECORD_F_GRID                "grid"
#define RECORD_F_BLOCK               "block"
#define RECORD_F_KERNEL              "kernel"
/* the precision (dtype.h's names); absent in records older than it: float64 */
#define RECORD_F_DTYPE               "dtype"
/* a single-precision configuration measured against the first configuration
 * of its field's double precision: max |sigma - sigma_ref| / sigma_max over
 * the probed matrices (probe.h), that dtype, and the largest ratio of the
 * error to its bound (above 1: FAILED) */
#define RECORD_F_SIGMA_ERR           "sigma_err"
#define RECORD_F_SIGMA_ERR_REF       "sigma_err_ref"
#define RECORD_F_SIGMA_ERR_BOUND     "sigma_err_over_bound"
#define RECORD_F_TWOSTAGE_NB         "twostage_nb"
#define RECORD_F_KERNEL_MATRICES     "kernel_matrices"
#define RECORD_F_INPUT               "input"
#define RECORD_F_INPUT_DTYPE         "input_dtype"
#define RECORD_F_INPUT_ORDER         "input_order"
#define RECORD_F_SCHEDULE            "schedule"
#define RECORD_F_MIXED               "mixed"
#define RECORD_F_SET                 "set"
#define RECORD_F_MAKESPAN_S          "makespan_s"
#define RECORD_F_LB_S                "lb_s"
#define RECORD_F_LB_BOUND            "lb_bound"
#define RECORD_F_MAKESPAN_OVER_LB    "makespan_over_lb"
#define RECORD_F_WORKERS             "workers"
#define RECORD_F_CPU_LB_S            "cpu_lb_s"
#define RECORD_F_CPU_MAX_OVER_MEAN   "cpu_max_over_mean"
#define RECORD_F_LOOP_S              "rank_loop_s"
#define RECORD_F_BUSY_S              "rank_busy_s"
#define RECORD_F_BUSY_CPU_S          "rank_busy_cpu_s"
#define RECORD_F_GRABS               "grabs"
#define RECORD_F_GRAB_MEDIAN_US      "grab_median_us"
#define RECORD_F_GRAB_P99_US         "grab_p99_us"
#define RECORD_F_GRAB_SHARE          "grab_share"
#define RECORD_F_COUNTER             "counter"
/* a tuned launch's one record (svdrun --tune; docs/json-records.md#tuned-launches) */
#define RECORD_F_TUNED               "tuned"
#define RECORD_F_TUNE_SOURCE         "tune_source"
#define RECORD_F_TUNE_RACE_S         "tune_race_s"
#define RECORD_F_TUNE_REST_S         "tune_rest_s"
#define RECORD_F_TUNE_PREDICTED_S    "tune_predicted_s"
#define RECORD_F_TUNE_OVERHEAD       "tune_overhead"
#define RECORD_F_TUNE_BUDGET         "tune_budget"
#define RECORD_F_TUNE_SAMPLE         "tune_sample"
#define RECORD_F_TUNE_CANDIDATES     "tune_candidates"
#define RECORD_F_RACE                "race"
/* the fields of each RECORD_F_RACE object, with RECORD_F_RANKS and RECORD_F_THREADS */
#define RECORD_F_RACE_CONFIG         "config"
#define RECORD_F_RACE_ROUNDS_RUN     "rounds_run"
#define RECORD_F_RACE_DROPPED_ROUND  "dropped_round"
#define RECORD_F_RACE_MS_PER_GFLOP   "ms_per_gflop"
#define RECORD_F_RACE_PREDICTED_S    "predicted_s"
#define RECORD_F_RACE_STATUS         "status"
#define RECORD_F_RACE_REASON         "reason"

/* RECORD_F_CHECK's values. */
#define RECORD_PASSED "PASSED"
#define RECORD_FAILED "FAILED"

/* RECORD_F_TUNE_SOURCE's values: the winner raced on a sample, or taken from
 * a tuning database without a race. */
#define RECORD_TUNE_RACE "race"
#define RECORD_TUNE_DB   "db"
/* or no race in this launch: the checkpoint's winner of an earlier one
 * (--resume), the only candidate, or a set too small to race (the first) */
#define RECORD_TUNE_RESUMED "resumed"
#define RECORD_TUNE_ONE     "one"
#define RECORD_TUNE_SMALL   "small"

/* RECORD_F_RACE_STATUS's values; RECORD_F_RACE_REASON only with skipped. */
#define RECORD_RACE_WINNER    "winner"
#define RECORD_RACE_DROPPED   "dropped"
#define RECORD_RACE_DISAGREES "disagrees"
#define RECORD_RACE_SKIPPED   "skipped"

/* What a record without RECORD_F_ENGINE (older than the field) ran, and the
 * RECORD_F_KERNEL that adds nothing to a configuration's name. */
#define RECORD_LAPACK "lapack"

/* The engine as a configuration's name shows it: "lapack",
 * "lapack/twostage" (a kernel other than lapack), "scalapack 1x2/64" (grid
 * and block), "scalapack 2*1x2/64" (two groups of a 1x2 grid). grid NULL
 * adds no grid part, kernel NULL or "lapack" no kernel part. Returns 0, or
 * ERANGE when buf is too short (it then holds the label cut short). */
int record_engine_label(char *buf, size_t len, const char *engine, const char *kernel,
                        long long groups, const char *grid, long long block);

/* The schedule a record without RECORD_F_SCHEDULE ran, which adds nothing to
 * a configuration's name. */
#define RECORD_STATIC "static"

/* The dtype a record without RECORD_F_DTYPE computed in, which adds
 * nothing to a configuration's name. */
#define RECORD_FLOAT64 "float64"

/* A configuration's name in prose: "2x1 blas regenerate", then its engine
 * label (as record_engine_label without grid) unless that is plain lapack:
 * "2x1 blas regenerate lapack/twostage", then its schedule unless that is
 * static: "2x1 blas regenerate dynamic", then its dtype unless that is
 * float64: "2x1 blas regenerate float32". engine may be a label already, e.g.
 * "scalapack 1x2/64"; kernel, schedule and dtype may be NULL. Returns 0, or ERANGE
 * when buf is too short (it then holds the name cut short). */
int record_label(char *buf, size_t len, int ranks, int threads, const char *mode,
                 const char *distribute, const char *engine, const char *kernel,
                 const char *schedule, const char *dtype);

#endif
