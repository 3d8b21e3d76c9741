/* jacobi: one-sided Jacobi SVDs of packs of same-shape small matrices, one matrix to a SIMD lane. */
#include "jacobi.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The pack layout: column j of the working M x N matrix (M >= N; a wide
 * matrix is held transposed) is M x JACOBI_LANES contiguous doubles, row i
 * of lane l at a[(j*M + i)*JACOBI_LANES + l]. A column is a run of vertical
 * vectors, so every inner loop is a plain vector FMA across the matrices. */
struct jacobi_pack {
    int64_t max_elems, max_n;
    job_vectors vectors;
    jacobi_path path;
    int64_t m, n, M, N;         /* the shape set last; M x N the working one */
    double *a, *v, *d;          /* the pack, V's pack (vectors), the norms */
    double *sigma, *u, *vt;     /* per lane: max_n, max_elems, max_elems */
    double *col;                /* max_elems of scratch: a column, a transpose */
    int sign_left;              /* the sign rule on the left vectors (jacobi_pack_sign_left) */
    int sweeps[JACOBI_LANES];
};

/* Squared norms may neither overflow nor underflow: each lane is scaled by a
 * power of two that puts its largest entry in [2^SCALE_EXP, 2^(SCALE_EXP+1)).
 * Products of two squared norms of M <= 2^20 rows stay below 2^(4*201+40),
 * and entries down to 2^-511 (2^-711 of the largest) still square to normal
 * numbers. */
#define SCALE_EXP 200

static const char *const path_names[] = {"portable", "avx2", "avx512"};

const char *jacobi_path_name(jacobi_path p) { return path_names[p]; }

int jacobi_path_supported(jacobi_path p)
{
    __builtin_cpu_init();
    switch (p) {
    case JACOBI_PATH_AVX512:
        return __builtin_cpu_supports("avx512f");
    case JACOBI_PATH_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default:
        return 1;
    }
}

int jacobi_path_pick(jacobi_path *out)
{
    const char *want = getenv("SVDRUN_JACOBI_PATH");
    if (want && *want) {
        for (int p = 0; p < 3; p++)
            if (strcmp(want, path_names[p]) == 0) {
                *out = (jacobi_path)p;
                return jacobi_path_supported(*out) ? 0 : ENOTSUP;
            }
        return EINVAL;
    }
    *out = jacobi_path_supported(JACOBI_PATH_AVX512) ? JACOBI_PATH_AVX512
         : jacobi_path_supported(JACOBI_PATH_AVX2)   ? JACOBI_PATH_AVX2
                                                     : JACOBI_PATH_PORTABLE;
    return 0;
}

int jacobi_takes(int64_t m, int64_t n, job_vectors vectors)
{
    int64_t mn = m < n ? m : n;
    return mn >= 1 && mn <= JACOBI_MAX_N && (vectors != JOB_VECTORS_FULL || m == n);
}

/* Doubles of each array, for these limits. */
static void sizes(int64_t max_elems, int64_t max_n, job_vectors vectors, size_t *a, size_t *v,
                  size_t *out)
{
    int vec = vectors != JOB_VECTORS_NONE;
    *a = (size_t)(JACOBI_LANES * max_elems);
    *v = vec ? (size_t)(JACOBI_LANES * max_n * max_n) : 0;
    *out = vec ? (size_t)(JACOBI_LANES * max_elems) : 0;
}

size_t jacobi_pack_bytes(int64_t max_elems, int64_t max_n, job_vectors vectors)
{
    size_t a, v, out;
    sizes(max_elems, max_n, vectors, &a, &v, &out);
    return (a + v + 2 * out + 2 * JACOBI_LANES * (size_t)max_n + (size_t)max_elems) * sizeof(double) +
           sizeof(jacobi_pack);
}

void jacobi_pack_free(jacobi_pack *pk)
{
    if (!pk)
        return;
    free(pk->a);
    free(pk->v);
    free(pk->d);
    free(pk->sigma);
    free(pk->u);
    free(pk->vt);
    free(pk->col);
    free(pk);
}

/* 64-byte aligned and touched, or NULL; n may be 0. */
static double *array(size_t n)
{
    size_t bytes = ((n > 0 ? n : 1) * sizeof(double) + 63) / 64 * 64;
    double *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

int jacobi_pack_create(int64_t max_elems, int64_t max_n, job_vectors vectors, jacobi_path path,
                       jacobi_pack **out)
{
    *out = NULL;
    if (max_n < 1 || max_n > JACOBI_MAX_N || max_elems < max_n)
        return EINVAL;
    jacobi_pack *pk = calloc(1, sizeof *pk);
    if (!pk)
        return ENOMEM;
    size_t a, v, o;
    sizes(max_elems, max_n, vectors, &a, &v, &o);
    pk->max_elems = max_elems;
    pk->max_n = max_n;
    pk->vectors = vectors;
    pk->path = path;
    pk->a = array(a);
    pk->v = array(v);
    pk->d = array((size_t)(JACOBI_LANES * max_n));
    pk->sigma = array((size_t)(JACOBI_LANES * max_n));
    pk->u = array(o);
    pk->vt = array(o);
    pk->col = array((size_t)max_elems);
    if (!pk->a || !pk->v || !pk->d || !pk->sigma || !pk->u || !pk->vt || !pk->col) {
        jacobi_pack_free(pk);
        return ENOMEM;
    }
    jacobi_pack_lane(pk, max_elems / max_n, max_n, 0, &(int64_t){0}, &(int64_t){0});
    *out = pk;
    return 0;
}

double *jacobi_pack_lane(jacobi_pack *pk, int64_t m, int64_t n, int lane, int64_t *row_stride,
                         int64_t *col_stride)
{
    pk->m = m;
    pk->n = n;
    pk->M = m >= n ? m : n;
    pk->N = m >= n ? n : m;
    /* a wide matrix is held as its transpose: Jacobi on its rows */
    *row_stride = m >= n ? JACOBI_LANES : JACOBI_LANES * pk->M;
    *col_stride = m >= n ? JACOBI_LANES * pk->M : JACOBI_LANES;
    return pk->a + lane;
}

void jacobi_pack_load(jacobi_pack *pk, int64_t m, int64_t n, int lane, const double *a,
                      int64_t lda)
{
    int64_t rs, cs;
    double *dst = jacobi_pack_lane(pk, m, n, lane, &rs, &cs);
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++)
            dst[i * rs + j * cs] = a[i + j * lda];
}

/* 2^e for e in the normal range, without libm's call. */
static inline double pow2(int e)
{
    uint64_t bits = (uint64_t)(e + 1023) << 52;
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* Makes column j of the M x cols column-major q (columns 0..cols-1 but j
 * orthonormal) a unit vector orthogonal to the others: the unit vector e_i
 * with the largest remainder after two Gram-Schmidt passes. For the columns
 * of zero singular values, whose direction the matrix does not fix. */
static void complete_column(double *q, int64_t M, int64_t cols, int64_t j, double *w)
{
    double best = -1.0;
    for (int64_t e = 0; e < M && best < 0.5; e++) {
        memset(w, 0, (size_t)M * sizeof *w);
        w[e] = 1.0;
        for (int pass = 0; pass < 2; pass++)
            for (int64_t k = 0; k < cols; k++) {
                if (k == j)
                    continue;
                const double *qk = q + k * M;
                double dot = 0.0;
                for (int64_t i = 0; i < M; i++)
                    dot += qk[i] * w[i];
                for (int64_t i = 0; i < M; i++)
                    w[i] -= dot * qk[i];
            }
        double norm = 0.0;
        for (int64_t i = 0; i < M; i++)
            norm += w[i] * w[i];
        norm = sqrt(norm);
        if (norm > best) {
            best = norm;
            for (int64_t i = 0; i < M; i++)
                q[i + j * M] = w[i] / norm;
        }
    }
}

/* Below this a scaled norm is taken as zero: its column's direction is noise. */
#define ZERO_NORM 0x1p-900

/* Lane l's outputs from the converged pack, with vectors: sigma sorted
 * descending and unscaled by 2^-shift, and the vectors of the original m x n
 * matrix with the sign rule applied. (Without vectors, jacobi_pack_compute
 * sorts every lane's sigma at once.) */
static void extract(jacobi_pack *pk, int l, int shift)
{
    int64_t M = pk->M, N = pk->N;
    double *sigma = pk->sigma + l * pk->max_n;
    int64_t order[JACOBI_MAX_N];
    double norm[JACOBI_MAX_N];
    for (int64_t j = 0; j < N; j++) {
        norm[j] = pk->d[JACOBI_LANES * j + l];
        int64_t k = j;
        /* insertion by descending norm; ties keep column order */
        for (; k > 0 && norm[order[k - 1]] < norm[j]; k--)
            order[k] = order[k - 1];
        order[k] = j;
    }
    double unscale = pow2(-shift);      /* exact, as 2^-shift is normal */
    for (int64_t j = 0; j < N; j++)
        sigma[j] = norm[order[j]] * unscale;
    /* the working matrix's left vectors (M x N) into the lane's u or vt slot
     * as scratch, then both placed for the original shape */
    double *left = pk->m >= pk->n ? pk->u + l * pk->max_elems : pk->vt + l * pk->max_elems;
    double *right = pk->m >= pk->n ? pk->vt + l * pk->max_elems : pk->u + l * pk->max_elems;
    for (int64_t j = 0; j < N; j++) {
        int64_t c = order[j];
        const double *x = pk->a + JACOBI_LANES * M * c + l;
        double r = norm[c];
        for (int64_t i = 0; i < M; i++)
            left[i + j * M] = r > ZERO_NORM ? x[JACOBI_LANES * i] / r : 0.0;
    }
    for (int64_t j = 0; j < N; j++)
        if (!(norm[order[j]] > ZERO_NORM))
            complete_column(left, M, N, j, pk->col);
    /* the working V, N x N, column j being V's column order[j] */
    for (int64_t j = 0; j < N; j++) {
        const double *y = pk->v + JACOBI_LANES * N * order[j] + l;
        for (int64_t i = 0; i < N; i++)
            right[i + j * N] = y[JACOBI_LANES * i];
    }
    /* the sign rule on the given matrix's right vectors: the working V when
     * the matrix is tall, the working U when it was transposed; its left
     * ones when the caller holds the transpose of the user's matrix */
    int on_working_v = (pk->m >= pk->n) != pk->sign_left;
    const double *rv = on_working_v ? right : left;
    int64_t rlen = on_working_v ? N : M;
    for (int64_t j = 0; j < N; j++) {
        const double *col = rv + j * rlen;
        int64_t big = 0;
        for (int64_t i = 1; i < rlen; i++)
            if (fabs(col[i]) > fabs(col[big]))
                big = i;
        if (col[big] < 0) {
            for (int64_t i = 0; i < M; i++)
                left[i + j * M] = -left[i + j * M];
            for (int64_t i = 0; i < N; i++)
                right[i + j * N] = -right[i + j * N];
        }
    }
    /* vt holds the given matrix's right vectors as columns (n x N); V^T
     * wants them as rows (N x n) */
    double *vt = pk->vt + l * pk->max_elems;
    int64_t vlen = pk->n;
    memcpy(pk->col, vt, (size_t)(vlen * N) * sizeof *vt);
    for (int64_t j = 0; j < N; j++)
        for (int64_t i = 0; i < vlen; i++)
            vt[j + i * N] = pk->col[i + j * vlen];
}

/* The exponent that scales a lane whose largest magnitude is big into
 * [2^SCALE_EXP, 2^(SCALE_EXP+1)); 0 for a zero lane. */
static int scale_shift(double big)
{
    if (!(big > 0.0))
        return 0;
    uint64_t bits;
    memcpy(&bits, &big, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1022;   /* big in [2^(e-1), 2^e) */
    if (e == -1022)
        frexp(big, &e);             /* subnormal */
    /* a matrix below 2^-799 is scaled less, so that 2^shift and 2^-shift
     * stay normal: its largest entry still lands at 2^-74 or above */
    return SCALE_EXP + 1 - e < 1000 ? SCALE_EXP + 1 - e : 1000;
}

void jacobi_pack_compute(jacobi_pack *pk, int count, int64_t info[JACOBI_LANES])
{
    int64_t M = pk->M, N = pk->N, elems = M * N;
    double big[JACOBI_LANES], bad[JACOBI_LANES], scale[JACOBI_LANES];
    int shift[JACOBI_LANES];
    unsigned live = 0;
    jacobi_simd_lane_max(pk->path, pk->a, elems, big, bad);
    for (int l = 0; l < JACOBI_LANES; l++) {
        info[l] = 0;
        pk->sweeps[l] = 0;
        shift[l] = 0;
        if (l >= count || bad[l] != 0.0) {
            /* not iterated: zeros converge at once and spoil nothing */
            info[l] = l < count ? JACOBI_INFO_NONFINITE : 0;
            scale[l] = 0.0;
            continue;
        }
        shift[l] = scale_shift(big[l]);
        scale[l] = pow2(shift[l]);
        live |= 1u << l;
    }
    jacobi_simd_lane_scale(pk->path, pk->a, elems, scale);
    double *v = NULL;
    if (pk->vectors != JOB_VECTORS_NONE) {
        v = pk->v;
        memset(v, 0, (size_t)(JACOBI_LANES * N * N) * sizeof *v);
        for (int64_t j = 0; j < N; j++)
            for (int l = 0; l < JACOBI_LANES; l++)
                v[JACOBI_LANES * (j * N + j) + l] = 1.0;
    }
    /* The tolerance on the cosine: above the rounding of the dot products
     * that measure it (four partial sums of M / 4 terms: (M / 4 + 2) ulps
     * at worst), with a margin. dgesvj's sqrt(M) * eps is below that floor
     * for small M, where a few matrices in 100,000 then rotate on rounding
     * noise until the sweep cap. */
    double tol = ((double)M / 4 + 3) * DBL_EPSILON;
    unsigned stuck = jacobi_simd_sweeps(pk->path, pk->a, v, M, N, pk->d, tol, live, pk->sweeps);
    if (!v) {
        /* sigma only: sorted across the lanes at once, no permutation kept */
        jacobi_simd_sort_desc(pk->path, pk->d, N);
    }
    for (int l = 0; l < count; l++) {
        if ((stuck >> l) & 1u)
            info[l] = JACOBI_INFO_NOCONV;
        if (info[l] == JACOBI_INFO_NONFINITE)
            continue;
        if (v) {
            extract(pk, l, shift[l]);
            continue;
        }
        double unscale = pow2(-shift[l]), *sigma = pk->sigma + l * pk->max_n;
        for (int64_t j = 0; j < N; j++)
            sigma[j] = pk->d[JACOBI_LANES * j + l] * unscale;
    }
}

void jacobi_pack_sign_left(jacobi_pack *pk, int left) { pk->sign_left = left != 0; }

const double *jacobi_pack_sigma(const jacobi_pack *pk, int lane) { return pk->sigma + lane * pk->max_n; }

const double *jacobi_pack_u(const jacobi_pack *pk, int lane)
{
    return pk->vectors == JOB_VECTORS_NONE ? NULL : pk->u + lane * pk->max_elems;
}

const double *jacobi_pack_vt(const jacobi_pack *pk, int lane)
{
    return pk->vectors == JOB_VECTORS_NONE ? NULL : pk->vt + lane * pk->max_elems;
}

int jacobi_pack_sweeps(const jacobi_pack *pk, int lane) { return pk->sweeps[lane]; }
