/* job: the job's keys, defaults, parsing (INI file and flags) and validation. */
#ifndef SVDRUN_JOB_H
#define SVDRUN_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"
#include "matset.h"

#define JOB_NAME_MAX 64
#define JOB_LIST_MAX 32
#define JOB_MSG_MAX 512
#define JOB_PATH_MAX 1024

/* Limits on hostile or mistyped numbers, each named in its error message. */
#define JOB_DIM_MAX INT32_MAX       /* rows, cols, count: LAPACK's int arguments */
#define JOB_LAPACK_ELEMS_MAX INT32_MAX  /* elements of one array LAPACK indexes (A, U, VT) */
#define JOB_THREADS_MAX 1024        /* OpenMP threads per rank */
#define JOB_RANKS_MAX (1 << 20)
#define JOB_REPEAT_MAX 1000         /* repetitions of each configuration */
#define JOB_FILE_MAX (1 << 20)      /* bytes of a job file; real ones are tiny */
#define JOB_RESULT_BYTES 24         /* one svd_result, as rank 0 keeps it */

typedef enum { JOB_VECTORS_NONE, JOB_VECTORS_THIN, JOB_VECTORS_FULL } job_vectors;
typedef enum { JOB_DRIVER_GESDD, JOB_DRIVER_GESVD } job_driver;
typedef enum { JOB_DIST_REGENERATE, JOB_DIST_SCATTER } job_distribute;
typedef enum { JOB_MODE_BLAS, JOB_MODE_BATCH } job_thread_mode;
typedef enum { JOB_ENGINE_LAPACK, JOB_ENGINE_SCALAPACK } job_engine;
/* How engine lapack computes: LAPACK's driver, singular values through the
 * two-stage reduction (twostage.h; vectors none only), one-sided Jacobi on
 * packs of small matrices (jacobi.h), or auto: one of them by each matrix's
 * shape (svd_kernel_of). The values are stored in checkpoint headers. */
typedef enum { JOB_KERNEL_LAPACK, JOB_KERNEL_TWOSTAGE, JOB_KERNEL_JACOBI, JOB_KERNEL_AUTO } job_kernel;
#define JOB_KERNELS 4
/* How a configuration's matrices are shared among its ranks (and batch-mode
 * threads): contiguous equal counts (the seed's), by a cost model before the
 * run, or taken from a shared counter while it runs. */
typedef enum { JOB_SCHED_STATIC, JOB_SCHED_COST, JOB_SCHED_DYNAMIC } job_schedule;
/* --tune: off (a sweep), on (race unless the tuning database knows the
 * winner), or force (race even then). */
typedef enum { JOB_TUNE_OFF, JOB_TUNE_ON, JOB_TUNE_FORCE } job_tune;

/* A flat struct (no pointers), so rank 0 can broadcast it as bytes. */
typedef struct {
    char name[JOB_NAME_MAX];
    int64_t rows, cols, count;
    uint64_t seed;
    job_vectors vectors;
    job_driver driver;
    int n_dtypes;                   /* 0 until job_validate: float64, or the input's dtype */
    dtype_t dtypes[DTYPE_COUNT];
    int n_distribute;
    job_distribute distribute[2];
    int n_ranks;                    /* 0: every launched rank */
    int ranks[JOB_LIST_MAX];
    int n_threads;
    int threads[JOB_LIST_MAX];
    int n_thread_modes;
    job_thread_mode thread_modes[2];
    int repeat;
    int n_engines;
    job_engine engines[2];
    int n_kernels;
    job_kernel kernels[JOB_KERNELS]; /* engine lapack only; scalapack ignores it */
    int group;                      /* scalapack: ranks per matrix; 0: all ranks of a configuration */
    int grid_p, grid_q;             /* scalapack: process grid; 0 x 0: auto, the squarest */
    int block;                      /* scalapack: block-cyclic block size */
    int n_schedules;
    job_schedule schedules[3];
    /* mixed shapes: the shapes or size_dist key (rows and cols are then 0) */
    matset_spec set;
    unsigned given;                 /* JOB_GIVEN_* bits: keys set by file or flag */
    /* input: the user's .npy stack instead of generated matrices; its header,
     * read by the front end (job_set_input_header), sets rows, cols and count */
    char input[JOB_PATH_MAX];
    dtype_t input_dtype;            /* the file's; a multi-file input's dtype_join of its files' */
    int input_esize;                /* its bytes per element; 0 until the header is read */
    int input_fortran;              /* 1: Fortran order */
    int input_ndim;                 /* 2 (one matrix) or 3 */
    int64_t input_offset;           /* bytes before the data */
    int64_t input_mtime;            /* its modification time, read once by rank 0 with the
                                     * header, so no other rank needs to stat the file */
    int input_files;                /* 1: a directory, .npz or list of .npy files (mixed shapes;
                                     * the front end's members table gives each matrix) */
    uint64_t input_identity;        /* input_files: a hash of each file's path, size and mtime */
    job_tune tune;
    int tune_budget_pct;            /* the race's share of the predicted full run, in percent */
} job_t;

enum { JOB_GIVEN_SIZE = 1u, JOB_GIVEN_ROWS = 2u, JOB_GIVEN_COLS = 4u,
       JOB_GIVEN_COUNT = 8u, JOB_GIVEN_NAME = 16u, JOB_GIVEN_INPUT = 32u,
       JOB_GIVEN_SHAPES = 64u, JOB_GIVEN_DIST = 128u, JOB_GIVEN_SCHEDULE = 256u,
       JOB_GIVEN_DTYPE = 512u };

/* How a key's text is read. */
typedef enum {
    JOB_KEY_TEXT,       /* 1 to max characters */
    JOB_KEY_INT,        /* a whole number in [min, max] */
    JOB_KEY_INT_LIST,   /* a comma list of distinct numbers in [min, max], at most JOB_LIST_MAX */
    JOB_KEY_ENUM,       /* one of names */
    JOB_KEY_ENUM_LIST,  /* a comma list of distinct names */
    JOB_KEY_GRID,       /* auto, or PxQ with P and Q in [min, max] */
    JOB_KEY_SHAPES,     /* ROWSxCOLS:COUNT[, ...] (matset_parse_shapes) */
    JOB_KEY_DIST,       /* lognormal:MEDIAN:SIGMA:MIN:MAX (matset_parse_dist) */
} job_key_type;

/* One job key. The table of them is the one source of what job_set takes
 * and its limits, and of what --help, the man pages and the fuzz
 * dictionaries list (man/mangen.c prints them). */
typedef struct {
    const char *name;
    job_key_type type;
    long long min, max;         /* numbers' range; text: max is the longest length */
    const char *why;            /* numbers: why max, for its message, or NULL; text: what
                                 * the message says it "must" be before "1 to max characters" */
    const char *const *names;   /* enums: the values, NULL-terminated */
    const char *arg;            /* the value's placeholder (--size=N); NULL for enums */
    const char *def;            /* the default: a value job_set takes, or words */
    const char *doc;            /* one short line */
} job_key;

/* The job keys, in documentation order; a NULL name ends them. Flags use the same names. */
extern const job_key job_keys[];

/* The value's placeholder for usage: key->arg, or an enum's names joined by
 * '|' (one of) or ',' (a list). Truncated to fit len. */
void job_key_arg(const job_key *key, char *buf, size_t len);

/* Fills the defaults: seed 0, vectors none, gesdd, regenerate, every rank,
 * 1 thread, blas, repeat 1, engine lapack, kernel auto, schedule dynamic
 * (static for scatter, which dynamic cannot serve: plan_build), group of all
 * ranks, grid auto, block 64. It reads no environment (job_default_threads). */
void job_init(job_t *job);

/* The threads key's default from the text of OMP_NUM_THREADS, which the
 * front end reads (NULL: unset): its first level ("4,2" gives 4) when that is
 * a whole number in 1..JOB_THREADS_MAX, else 1. */
void job_default_threads(job_t *job, const char *omp_num_threads);

/* Sets one key from its text, read as its job_keys entry says (type, limits,
 * values); a later call wins, so flags override the file (size replaces rows
 * and cols; rows or cols after size keep the other side). Returns 0, or -1 with a
 * message (no location) in err naming the key and the limit: unknown key,
 * malformed, negative, zero or too large number, unknown enum value, empty,
 * duplicated or over-long list. The job is unchanged on error. */
int job_set(job_t *job, const char *key, const char *value, char *err, size_t errlen);

/* Reads an INI file whose keys live in section [job]; a key given twice,
 * size together with rows/cols, or kernel twostage together with vectors
 * thin or full, is an error there (at the line of the later key). Returns 0, or -1 with
 * "path:line: message" in err (or "path: message" when it cannot be read or
 * exceeds JOB_FILE_MAX bytes). The job is unchanged on error. */
int job_parse_file(job_t *job, const char *path, char *err, size_t errlen);

/* job_parse_file on text held in memory; name stands for the path in messages.
 * Same contract, same messages. */
int job_parse_string(job_t *job, const char *text, const char *name, char *err, size_t errlen);

/* What the input's .npy header says. The front end reads it (npy_read_header)
 * and hands it over: job reads no file but the job file. */
typedef struct {
    int ndim;                       /* 2 (one matrix) or 3 */
    int64_t shape[3];               /* the first ndim are used */
    dtype_t dtype;                  /* <f8, <f4, <c16 or <c8 */
    int fortran;                    /* 1: Fortran order */
    int64_t offset;                 /* bytes before the data */
    int64_t mtime;                  /* the file's modification time (s) */
} job_input_header;

/* With input, the shape and count come from its header and nowhere else:
 * returns -1 with a message when size, rows, cols or count was given too,
 * else 0. Front ends check this before they read the header, so that this
 * message comes first. */
int job_check_input_keys(const job_t *job, char *err, size_t errlen);

/* Sets rows, cols, count and the input_* fields from input's header.
 * Returns 0, or -1 with a message (job_check_input_keys' refusal, or a
 * dimension beyond JOB_DIM_MAX); the job is unchanged on error. */
int job_set_input_header(job_t *job, const job_input_header *h, char *err, size_t errlen);

/* With a multi-file input (a directory, .npz or list file), its table,
 * read by the front end, gives count matrices of mixed shapes; dtype holds
 * every file's without loss (dtype_join), the dtype key's default. Returns 0,
 * or -1 with job_check_input_keys' refusal (or count beyond JOB_DIM_MAX). */
int job_set_input_files(job_t *job, int64_t count, uint64_t identity, dtype_t dtype, char *err,
                        size_t errlen);

/* Checks the whole job once every source is applied (with input, once its
 * header is set): required keys; kernel twostage only with vectors none;
 * the dtype list's default (float64, or the input's dtype), and refusals of
 * complex input as a real dtype and of kernel twostage or jacobi named
 * beside a dtype other than float64;
 * with engine lapack, every array LAPACK indexes (A, and U, VT as vectors
 * asks) within JOB_LAPACK_ELEMS_MAX elements; count x rows x cols x 8 bytes
 * within int64; a name. It asks the host nothing: the front end adds
 * job_check_results_memory with the node's memory. Returns 0 or -1 with a
 * message. */
int job_validate(job_t *job, char *err, size_t errlen);

/* Whether an m x n SVD with vectors fits 32-bit LAPACK: A, and U and V^T as
 * vectors asks, each within JOB_LAPACK_ELEMS_MAX elements. Returns 0, or -1
 * with a message naming the array and its shape. */
int job_check_lapack_shape(int64_t m, int64_t n, job_vectors vectors, char *err, size_t errlen);

/* The shapes of an m x n matrix's U (m x ucols) and V^T (vtrows x n) that
 * vectors asks for: min(m, n) for thin, m and n for full, 0 for none.
 * Cannot fail. */
void job_vector_dims(int64_t m, int64_t n, job_vectors vectors, int64_t *ucols, int64_t *vtrows);

/* Bytes rank 0 keeps for results: JOB_RESULT_BYTES per matrix for each
 * configuration the lists can make (the report compares them all), plus two
 * more sets (the gather buffer and the checkpoint). Saturates at UINT64_MAX. */
uint64_t job_results_bytes(const job_t *job);

/* Returns 0 when job_results_bytes fits in half of phys_bytes, else -1 with
 * a message naming count and the limit. */
int job_check_results_memory(const job_t *job, uint64_t phys_bytes, char *err, size_t errlen);

/* Bytes of one matrix (rows*cols*8); validated jobs never overflow. Mixed
 * sets: 0 (their sizes are the matset's). */
size_t job_matrix_bytes(const job_t *job);

/* job_matrix_bytes at dtype's element size. */
size_t job_matrix_bytes_as(const job_t *job, dtype_t dtype);

/* Whether the matrices have mixed shapes: shapes or size_dist given (rows
 * and cols are then 0), or a multi-file input (job_set_input_members). */
int job_mixed(const job_t *job);

const char *job_vectors_name(job_vectors v);
const char *job_driver_name(job_driver d);
const char *job_distribute_name(job_distribute d);
const char *job_thread_mode_name(job_thread_mode m);
const char *job_engine_name(job_engine e);
const char *job_kernel_name(job_kernel k);
const char *job_schedule_name(job_schedule s);
const char *job_tune_name(job_tune t);

#endif
