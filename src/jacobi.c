/* jacobi: one-sided Jacobi SVDs of packs of same-shape small matrices, one matrix to a SIMD lane. */
#include "jacobi.h"

#include <errno.h>
#include <float.h>
#include <immintrin.h>
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

/* ---- the portable path: arrays of JACOBI_LANES, libm's fma and sqrt ---- */
typedef struct {
    double x[JACOBI_LANES];
} pvd;
#define FOR_LANES for (int l = 0; l < JACOBI_LANES; l++)
static inline pvd p_ld(const double *a) { pvd r; memcpy(r.x, a, sizeof r.x); return r; }
static inline void p_st(double *a, pvd x) { memcpy(a, x.x, sizeof x.x); }
static inline pvd p_set(double c) { pvd r; FOR_LANES r.x[l] = c; return r; }
static inline pvd p_add(pvd a, pvd b) { FOR_LANES a.x[l] += b.x[l]; return a; }
static inline pvd p_sub(pvd a, pvd b) { FOR_LANES a.x[l] -= b.x[l]; return a; }
static inline pvd p_mul(pvd a, pvd b) { FOR_LANES a.x[l] *= b.x[l]; return a; }
static inline pvd p_div(pvd a, pvd b) { FOR_LANES a.x[l] /= b.x[l]; return a; }
static inline pvd p_sqrt(pvd a) { FOR_LANES a.x[l] = sqrt(a.x[l]); return a; }
static inline pvd p_abs(pvd a) { FOR_LANES a.x[l] = fabs(a.x[l]); return a; }
static inline pvd p_sign1(pvd a) { FOR_LANES a.x[l] = copysign(1.0, a.x[l]); return a; }
static inline pvd p_fma(pvd a, pvd b, pvd c) { FOR_LANES c.x[l] = fma(a.x[l], b.x[l], c.x[l]); return c; }
static inline pvd p_fms(pvd a, pvd b, pvd c) { FOR_LANES c.x[l] = fma(a.x[l], b.x[l], -c.x[l]); return c; }
static inline pvd p_fnma(pvd a, pvd b, pvd c) { FOR_LANES c.x[l] = fma(-a.x[l], b.x[l], c.x[l]); return c; }
static inline unsigned p_gt(pvd a, pvd b)
{
    unsigned m = 0;
    FOR_LANES m |= (unsigned)(a.x[l] > b.x[l]) << l;
    return m;
}
static inline pvd p_blend(unsigned m, pvd x, pvd y) { FOR_LANES if (!((m >> l) & 1u)) x.x[l] = y.x[l]; return x; }
static inline unsigned p_mask(unsigned m) { return m; }
static inline pvd p_max(pvd a, pvd b) { FOR_LANES a.x[l] = a.x[l] > b.x[l] ? a.x[l] : b.x[l]; return a; }
static inline pvd p_min(pvd a, pvd b) { FOR_LANES a.x[l] = a.x[l] < b.x[l] ? a.x[l] : b.x[l]; return a; }

#define vd pvd
#define vld p_ld
#define vst p_st
#define vset p_set
#define vadd p_add
#define vsub p_sub
#define vmul p_mul
#define vdiv p_div
#define vsqrt p_sqrt
#define vabs p_abs
#define vsign1 p_sign1
#define vfma p_fma
#define vfms p_fms
#define vfnma p_fnma
#define vgt p_gt
#define vblend p_blend
#define vm unsigned
#define vmask p_mask
#define vsel p_blend
#define vmax p_max
#define vmin p_min
#define JP(name) portable_##name
#include "jacobi_path.inc"
#undef JP
#undef vd
#undef vld
#undef vst
#undef vset
#undef vadd
#undef vsub
#undef vmul
#undef vdiv
#undef vsqrt
#undef vabs
#undef vsign1
#undef vfma
#undef vfms
#undef vfnma
#undef vgt
#undef vblend
#undef vm
#undef vmask
#undef vsel
#undef vmax
#undef vmin

/* ---- AVX2 with FMA: a pack in two 4-wide registers ---- */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
typedef struct {
    __m256d lo, hi;
} avd;
#define A2(expr_lo, expr_hi) ((avd){expr_lo, expr_hi})
static inline avd a_ld(const double *a) { return A2(_mm256_loadu_pd(a), _mm256_loadu_pd(a + 4)); }
static inline void a_st(double *a, avd x) { _mm256_storeu_pd(a, x.lo); _mm256_storeu_pd(a + 4, x.hi); }
static inline avd a_set(double c) { return A2(_mm256_set1_pd(c), _mm256_set1_pd(c)); }
static inline avd a_add(avd a, avd b) { return A2(_mm256_add_pd(a.lo, b.lo), _mm256_add_pd(a.hi, b.hi)); }
static inline avd a_sub(avd a, avd b) { return A2(_mm256_sub_pd(a.lo, b.lo), _mm256_sub_pd(a.hi, b.hi)); }
static inline avd a_mul(avd a, avd b) { return A2(_mm256_mul_pd(a.lo, b.lo), _mm256_mul_pd(a.hi, b.hi)); }
static inline avd a_div(avd a, avd b) { return A2(_mm256_div_pd(a.lo, b.lo), _mm256_div_pd(a.hi, b.hi)); }
static inline avd a_sqrt(avd a) { return A2(_mm256_sqrt_pd(a.lo), _mm256_sqrt_pd(a.hi)); }
static inline avd a_abs(avd a)
{
    const __m256d sign = _mm256_set1_pd(-0.0);
    return A2(_mm256_andnot_pd(sign, a.lo), _mm256_andnot_pd(sign, a.hi));
}
static inline avd a_sign1(avd a)
{
    const __m256d sign = _mm256_set1_pd(-0.0), one = _mm256_set1_pd(1.0);
    return A2(_mm256_or_pd(_mm256_and_pd(sign, a.lo), one), _mm256_or_pd(_mm256_and_pd(sign, a.hi), one));
}
static inline avd a_fma(avd a, avd b, avd c) { return A2(_mm256_fmadd_pd(a.lo, b.lo, c.lo), _mm256_fmadd_pd(a.hi, b.hi, c.hi)); }
static inline avd a_fms(avd a, avd b, avd c) { return A2(_mm256_fmsub_pd(a.lo, b.lo, c.lo), _mm256_fmsub_pd(a.hi, b.hi, c.hi)); }
static inline avd a_fnma(avd a, avd b, avd c) { return A2(_mm256_fnmadd_pd(a.lo, b.lo, c.lo), _mm256_fnmadd_pd(a.hi, b.hi, c.hi)); }
static inline unsigned a_gt(avd a, avd b)
{
    return (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(a.lo, b.lo, _CMP_GT_OQ)) |
           (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(a.hi, b.hi, _CMP_GT_OQ)) << 4;
}
/* the 4-lane vector mask of four mask bits */
static inline __m256d a_mask4(unsigned bits)
{
    return _mm256_castsi256_pd(_mm256_set_epi64x(-(int64_t)((bits >> 3) & 1u), -(int64_t)((bits >> 2) & 1u),
                                                 -(int64_t)((bits >> 1) & 1u), -(int64_t)(bits & 1u)));
}
static inline avd a_blend(unsigned m, avd x, avd y)
{
    return A2(_mm256_blendv_pd(y.lo, x.lo, a_mask4(m & 15u)), _mm256_blendv_pd(y.hi, x.hi, a_mask4(m >> 4)));
}
static inline avd a_mask(unsigned m) { return A2(a_mask4(m & 15u), a_mask4(m >> 4)); }
static inline avd a_sel(avd mk, avd x, avd y)
{
    return A2(_mm256_blendv_pd(y.lo, x.lo, mk.lo), _mm256_blendv_pd(y.hi, x.hi, mk.hi));
}
static inline avd a_max(avd a, avd b) { return A2(_mm256_max_pd(a.lo, b.lo), _mm256_max_pd(a.hi, b.hi)); }
static inline avd a_min(avd a, avd b) { return A2(_mm256_min_pd(a.lo, b.lo), _mm256_min_pd(a.hi, b.hi)); }
#define vd avd
#define vld a_ld
#define vst a_st
#define vset a_set
#define vadd a_add
#define vsub a_sub
#define vmul a_mul
#define vdiv a_div
#define vsqrt a_sqrt
#define vabs a_abs
#define vsign1 a_sign1
#define vfma a_fma
#define vfms a_fms
#define vfnma a_fnma
#define vgt a_gt
#define vblend a_blend
#define vm avd
#define vmask a_mask
#define vsel a_sel
#define vmax a_max
#define vmin a_min
#define JP(name) avx2_##name
#include "jacobi_path.inc"
#undef JP
#undef vd
#undef vld
#undef vst
#undef vset
#undef vadd
#undef vsub
#undef vmul
#undef vdiv
#undef vsqrt
#undef vabs
#undef vsign1
#undef vfma
#undef vfms
#undef vfnma
#undef vgt
#undef vblend
#undef vm
#undef vmask
#undef vsel
#undef vmax
#undef vmin
#pragma GCC pop_options

/* ---- AVX-512F: a pack in one register, masks native ---- */
#pragma GCC push_options
#pragma GCC target("avx512f")
static inline __m512d z_ld(const double *a) { return _mm512_loadu_pd(a); }
static inline void z_st(double *a, __m512d x) { _mm512_storeu_pd(a, x); }
static inline __m512d z_set(double c) { return _mm512_set1_pd(c); }
static inline __m512d z_add(__m512d a, __m512d b) { return _mm512_add_pd(a, b); }
static inline __m512d z_sub(__m512d a, __m512d b) { return _mm512_sub_pd(a, b); }
static inline __m512d z_mul(__m512d a, __m512d b) { return _mm512_mul_pd(a, b); }
static inline __m512d z_div(__m512d a, __m512d b) { return _mm512_div_pd(a, b); }
static inline __m512d z_sqrt(__m512d a) { return _mm512_sqrt_pd(a); }
static inline __m512d z_abs(__m512d a)
{
    return _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(INT64_MAX)));
}
static inline __m512d z_sign1(__m512d a)
{
    __m512i sign = _mm512_and_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(INT64_MIN));
    return _mm512_castsi512_pd(_mm512_or_si512(sign, _mm512_castpd_si512(_mm512_set1_pd(1.0))));
}
static inline __m512d z_fma(__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); }
static inline __m512d z_fms(__m512d a, __m512d b, __m512d c) { return _mm512_fmsub_pd(a, b, c); }
static inline __m512d z_fnma(__m512d a, __m512d b, __m512d c) { return _mm512_fnmadd_pd(a, b, c); }
static inline unsigned z_gt(__m512d a, __m512d b) { return (unsigned)_mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline __m512d z_blend(unsigned m, __m512d x, __m512d y) { return _mm512_mask_blend_pd((__mmask8)m, y, x); }
static inline __mmask8 z_mask(unsigned m) { return (__mmask8)m; }
static inline __m512d z_sel(__mmask8 m, __m512d x, __m512d y) { return _mm512_mask_blend_pd(m, y, x); }
static inline __m512d z_max(__m512d a, __m512d b) { return _mm512_max_pd(a, b); }
static inline __m512d z_min(__m512d a, __m512d b) { return _mm512_min_pd(a, b); }
#define vd __m512d
#define vld z_ld
#define vst z_st
#define vset z_set
#define vadd z_add
#define vsub z_sub
#define vmul z_mul
#define vdiv z_div
#define vsqrt z_sqrt
#define vabs z_abs
#define vsign1 z_sign1
#define vfma z_fma
#define vfms z_fms
#define vfnma z_fnma
#define vgt z_gt
#define vblend z_blend
#define vm __mmask8
#define vmask z_mask
#define vsel z_sel
#define vmax z_max
#define vmin z_min
#define JP(name) avx512_##name
#include "jacobi_path.inc"
#undef JP
#undef vd
#undef vld
#undef vst
#undef vset
#undef vadd
#undef vsub
#undef vmul
#undef vdiv
#undef vsqrt
#undef vabs
#undef vsign1
#undef vfma
#undef vfms
#undef vfnma
#undef vgt
#undef vblend
#undef vm
#undef vmask
#undef vsel
#undef vmax
#undef vmin
#pragma GCC pop_options

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

/* Lane l's outputs from the converged pack: sigma sorted descending and
 * unscaled by 2^-shift, and the vectors of the original m x n matrix with the
 * sign rule applied. */
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
    if (pk->vectors == JOB_VECTORS_NONE)
        return;
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
    void (*lane_max)(const double *, int64_t, double *, double *) =
        pk->path == JACOBI_PATH_AVX512 ? avx512_lane_max
        : pk->path == JACOBI_PATH_AVX2 ? avx2_lane_max : portable_lane_max;
    lane_max(pk->a, elems, big, bad);
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
    if (pk->path == JACOBI_PATH_AVX512)
        avx512_lane_scale(pk->a, elems, scale);
    else if (pk->path == JACOBI_PATH_AVX2)
        avx2_lane_scale(pk->a, elems, scale);
    else
        portable_lane_scale(pk->a, elems, scale);
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
    unsigned stuck;
    if (pk->path == JACOBI_PATH_AVX512)
        stuck = avx512_sweeps(pk->a, v, M, N, pk->d, tol, live, pk->sweeps);
    else if (pk->path == JACOBI_PATH_AVX2)
        stuck = avx2_sweeps(pk->a, v, M, N, pk->d, tol, live, pk->sweeps);
    else
        stuck = portable_sweeps(pk->a, v, M, N, pk->d, tol, live, pk->sweeps);
    if (!v) {
        /* sigma only: sorted across the lanes at once, no permutation kept */
        if (pk->path == JACOBI_PATH_AVX512)
            avx512_sort_desc(pk->d, N);
        else if (pk->path == JACOBI_PATH_AVX2)
            avx2_sort_desc(pk->d, N);
        else
            portable_sort_desc(pk->d, N);
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
