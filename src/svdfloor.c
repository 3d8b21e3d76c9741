/* svdfloor: the floor for svdrun's benchmark: one process, no MPI, a plain loop of generate + LAPACK SVD. */
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "matgen.h"
#include "verify.h"
#include "stats.h"
#include "svd.h"
#include "sysinfo.h"

extern void openblas_set_num_threads(int n);

/* usage: svdfloor --rows M --cols N --count K [--seed S] [--vectors V] [--driver D]
 *                 [--kernel lapack|twostage] [--threads T] [--repeat R]
 * Prints one JSON line: wall times (median, min, max over repeats) and the
 * checksum of the integer results, the same FNV-1a as svdrun's records. */
int main(int argc, char **argv)
{
    job_t job;
    job_init(&job);
    job_default_threads(&job, getenv("OMP_NUM_THREADS"));
    char err[JOB_MSG_MAX];
    static const struct option longs[] = {
        {"rows", required_argument, NULL, 'm'}, {"cols", required_argument, NULL, 'n'},
        {"size", required_argument, NULL, 's'}, {"count", required_argument, NULL, 'c'},
        {"seed", required_argument, NULL, 'e'}, {"vectors", required_argument, NULL, 'v'},
        {"driver", required_argument, NULL, 'd'}, {"threads", required_argument, NULL, 't'},
        {"repeat", required_argument, NULL, 'r'}, {"kernel", required_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        const char *key = NULL;
        for (int i = 0; longs[i].name; i++)
            if (longs[i].val == c)
                key = longs[i].name;
        if (!key || job_set(&job, key, optarg, err, sizeof err) != 0) {
            fprintf(stderr, "svdfloor: %s\n", key ? err : "bad option");
            return 2;
        }
    }
    /* job asks the host nothing: this node's memory comes from here */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (job_validate(&job, err, sizeof err) != 0 ||
        (pages > 0 && page > 0 &&
         job_check_results_memory(&job, (uint64_t)pages * (uint64_t)page, err, sizeof err) != 0)) {
        fprintf(stderr, "svdfloor: %s\n", err);
        return 2;
    }
    /* OpenBLAS's OpenMP build follows omp_get_max_threads(): set both, as svdrun does */
    omp_set_num_threads(job.threads[0]);
    openblas_set_num_threads(job.threads[0]);
    svd_ws *ws;
    double *a = malloc(job_matrix_bytes(&job));
    svd_result *res = malloc((size_t)job.count * sizeof *res);
    if (!a || !res ||
        svd_ws_create(job.rows, job.cols, job.vectors, job.driver, job.kernels[0], &ws) != 0) {
        fprintf(stderr, "svdfloor: cannot allocate\n");
        return 3;
    }
    memset(a, 0, job_matrix_bytes(&job));
    double walls[JOB_REPEAT_MAX];   /* job_validate bounds repeat */
    int failed = 0;
    for (int r = 0; r < job.repeat; r++) {
        double t0 = sysinfo_now();
        int width = svd_ws_pack_width(ws, job.rows, job.cols);
        for (int64_t k = 0; k < job.count; k += width) {
            if (width == 1) {
                matgen_fill(job.seed, k, job.rows, job.cols, a, job.rows, MATGEN_COL_MAJOR);
                failed |= svd_ws_compute(ws, a, &res[k]) != 0;
                continue;
            }
            /* jacobi's packs, generated in place, as svdrun does */
            int count = job.count - k < width ? (int)(job.count - k) : width;
            for (int l = 0; l < count; l++) {
                int64_t rs, cs;
                double *dst = svd_ws_lane(ws, job.rows, job.cols, l, &rs, &cs);
                matgen_fill_strided(job.seed, k + l, job.rows, job.cols, dst, rs, cs);
            }
            failed |= svd_ws_compute_pack(ws, count, &res[k]) != 0;
        }
        walls[r] = sysinfo_now() - t0;
    }
    int n = job.repeat;
    double median = stats_median(walls, n);
    printf("{\"peer\": \"svdfloor\", \"rows\": %lld, \"cols\": %lld, \"count\": %lld, \"vectors\": \"%s\", "
           "\"kernel\": \"%s\", \"twostage_nb\": %d, \"threads\": %d, \"repeat\": %d, \"wall_s\": %.9g, \"wall_s_min\": %.9g, "
           "\"wall_s_max\": %.9g, \"checksum\": \"%016llx\", \"rss_mb\": %.1f}\n",
           (long long)job.rows, (long long)job.cols, (long long)job.count,
           job_vectors_name(job.vectors), job_kernel_name(job.kernels[0]), svd_ws_nb(ws),
           job.threads[0], n, median, walls[0], walls[n - 1],
           (unsigned long long)verify_checksum(res, job.count), sysinfo_peak_rss_mb());
    svd_ws_free(ws);
    free(a);
    free(res);
    return failed ? 3 : 0;
}
