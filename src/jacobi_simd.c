/* jacobi_simd: the SIMD paths of jacobi's packs (portable, AVX2, AVX-512F), each an instantiation of jacobi_path.inc, chosen per call. */
#include "jacobi_simd.h"

#include <float.h>
#include <immintrin.h>
#include <math.h>
#include <string.h>

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
static inline pvd p_sel(unsigned m, pvd x, pvd y) { return p_blend(m, x, y); }
static inline pvd p_max(pvd a, pvd b) { FOR_LANES a.x[l] = a.x[l] > b.x[l] ? a.x[l] : b.x[l]; return a; }
static inline pvd p_min(pvd a, pvd b) { FOR_LANES a.x[l] = a.x[l] < b.x[l] ? a.x[l] : b.x[l]; return a; }

#define vd pvd
#define vm unsigned
#define V(op) p_##op
#define JP(name) portable_##name
#include "jacobi_path.inc"

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
#define vm avd
#define V(op) a_##op
#define JP(name) avx2_##name
#include "jacobi_path.inc"
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
#define vm __mmask8
#define V(op) z_##op
#define JP(name) avx512_##name
#include "jacobi_path.inc"
#pragma GCC pop_options

/* One dispatch a call: the path is the pack's, fixed at its creation. */
#define BY_PATH(path, call)                                                                \
    ((path) == JACOBI_PATH_AVX512 ? avx512_##call                                          \
     : (path) == JACOBI_PATH_AVX2 ? avx2_##call                                            \
                                  : portable_##call)

unsigned jacobi_simd_sweeps(jacobi_path path, double *a, double *v, int64_t m, int64_t n,
                            double *d, double tol, unsigned live, int sweeps[JACOBI_LANES])
{
    return BY_PATH(path, sweeps(a, v, m, n, d, tol, live, sweeps));
}

void jacobi_simd_lane_max(jacobi_path path, const double *a, int64_t n,
                          double big[JACOBI_LANES], double bad[JACOBI_LANES])
{
    BY_PATH(path, lane_max(a, n, big, bad));
}

void jacobi_simd_lane_scale(jacobi_path path, double *a, int64_t n,
                            const double factor[JACOBI_LANES])
{
    BY_PATH(path, lane_scale(a, n, factor));
}

void jacobi_simd_sort_desc(jacobi_path path, double *d, int64_t n)
{
    BY_PATH(path, sort_desc(d, n));
}
