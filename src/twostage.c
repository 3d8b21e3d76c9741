/* twostage: singular values through a two-stage bidiagonal reduction (dense to band with BLAS-3, band to bidiagonal by bulge chasing, then dqds). */
#include "twostage.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "sysinfo.h"

/* The hot loops of stage 2 get an AVX2/FMA clone next to the baseline one;
 * the loader picks by CPU, so the binary still runs on any x86-64. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define TWOSTAGE_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TWOSTAGE_CLONES
#endif

int twostage_nb(int64_t n)
{
    /* bench/results/twostage.md: a wider band speeds stage 1's products and
     * slows the chase linearly; these follow the sweep's best per size */
    if (n < 900)
        return 16;
    if (n < 1500)
        return 24;
    if (n < 3000)
        return 32;
    return 48;
}

/* The workspace's parts, in doubles, in the order they are laid out. */
typedef struct {
    size_t tau, t, panel, left, right, trans, band, de, vw, bdsqr;
    int64_t lpanel;
} layout;

static bool mul_ok(int64_t a, int64_t b) { return a >= 0 && b >= 0 && (b == 0 || a <= INT64_MAX / b); }

static bool plan_layout(int64_t m, int64_t n, int nb, layout *l)
{
    int64_t wide = m > n ? m : n, narrow = m < n ? m : n;
    int64_t panel_cols = nb > 32 ? nb : 32;
    if (nb < 1 || narrow < 1 || !mul_ok(wide, panel_cols) || !mul_ok(narrow, 3 * (int64_t)nb + 1) ||
        !mul_ok(wide, 4 * (int64_t)nb) ||
        !mul_ok(m, n))
        return false;
    l->tau = (size_t)narrow;
    l->t = 3 * (size_t)nb * (size_t)nb;
    l->left = 2 * (size_t)wide * 2 * (size_t)nb;
    l->right = l->left;
    l->lpanel = wide * panel_cols;
    l->panel = (size_t)l->lpanel;
    l->trans = m < n ? (size_t)(m * n) : 0;
    l->band = (size_t)(narrow * (3 * (int64_t)nb + 1));
    l->de = 2 * (size_t)narrow;
    l->vw = 3 * (size_t)nb;
    l->bdsqr = 4 * (size_t)narrow;
    return true;
}

size_t twostage_work_doubles(int64_t m, int64_t n, int nb)
{
    layout l;
    if (!plan_layout(m, n, nb, &l))
        return 0;
    size_t sum = 0;
    size_t parts[] = {l.tau, l.t, l.panel, l.left, l.right, l.trans, l.band, l.de, l.vw, l.bdsqr};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i] > SIZE_MAX / sizeof(double) - sum)
            return 0;
        sum += parts[i];
    }
    return sum;
}

/* Stage 1's buffers. Two of left and right: the next step's V and W are
 * made while this step's still update the trailing matrix. The big trailing
 * matrix C enters every product untransposed as the left operand (C U^T,
 * C^T V), which OpenBLAS packs faster than as the right one. */
typedef struct {
    double *tau, *t1, *t2, *p;  /* nb; nb x nb each */
    double *left[2];            /* ldl x 2nb: [V | Y] */
    double *right[2];           /* ldr x 2nb: [W | U^T] */
    lapack_int ldl, ldr;
    double *work;               /* dgelqf's work */
    lapack_int lwork;
} band_bufs;

/* Columns of the trailing matrix updated at a time: a block of them stays in
 * cache between its update and the next step's C^T V. */
#ifndef STAGE1_BLOCK
#define STAGE1_BLOCK 128
#endif

/* V of a panel's QR as a plain tall x ib matrix: unit diagonal, zeros above. */
static void explicit_v(const double *x, lapack_int ldx, lapack_int tall, lapack_int ib, double *v,
                       lapack_int ldv)
{
    for (lapack_int j = 0; j < ib; j++)
        for (lapack_int i = 0; i < tall; i++)
            v[i + (size_t)j * ldv] = i < j ? 0.0 : i == j ? 1.0 : x[i + (size_t)j * ldx];
}

/* LQ of the ib x rest row panel p (in place: L below its diagonal), its
 * reflectors as a plain rest x kk U^T (unit diagonal, zeros above) in ut and
 * the block reflector's T in t2, so that the transform from the right is
 * C (I - U^T T2 U). Returns 0 or the LAPACK call's info. */
static int lq_panel(double *p, lapack_int ldx, lapack_int ib, lapack_int rest, double *ut, lapack_int ldu,
                    const band_bufs *b)
{
    lapack_int kk = ib < rest ? ib : rest;
    int info;
    if (rest >= ib) {
        /* as the QR of the transpose P^T = Q R, factored where U^T goes:
         * P Q = R^T = L */
        for (lapack_int i = 0; i < ib; i++)
            for (lapack_int j = 0; j < rest; j++)
                ut[j + (size_t)i * ldu] = p[i + (size_t)j * ldx];
        info = LAPACKE_dgeqrt3_work(LAPACK_COL_MAJOR, rest, ib, ut, ldu, b->t2, ib);
        if (info != 0)
            return info;
        for (lapack_int i = 0; i < ib; i++)
            for (lapack_int j = 0; j <= i; j++) {
                p[i + (size_t)j * ldx] = ut[j + (size_t)i * ldu];
                ut[j + (size_t)i * ldu] = j == i ? 1.0 : 0.0;
            }
        return 0;
    }
    info = LAPACKE_dgelqf_work(LAPACK_COL_MAJOR, ib, rest, p, ldx, b->tau, b->work, b->lwork);
    if (info == 0)
        info = LAPACKE_dlarft_work(LAPACK_COL_MAJOR, 'F', 'R', rest, kk, p, ldx, b->tau, b->t2, ib);
    for (lapack_int i = 0; info == 0 && i < kk; i++)
        for (lapack_int j = 0; j < rest; j++)
            ut[j + (size_t)i * ldu] = j < i ? 0.0 : j == i ? 1.0 : p[i + (size_t)j * ldx];
    return info;
}

/* Stage 1: the rows x cols matrix x (rows >= cols) to upper band form of
 * width nb in its top cols x cols block. Each step takes a QR of a column
 * panel (Q^T from the left) and an LQ of the row panel right of it (its Q
 * from the right on the rows below). Rather than two dlarfb passes over the
 * trailing matrix C, only the panel's nb rows are updated first (the LQ
 * needs them), and the rows below get both transforms as one rank-2nb
 * product: C - V W^T - Y U with W = C^T V T1 and
 * Y = (C U^T - V (U W)^T) T2. The next panel is updated and factored first,
 * and then each block of columns gets this update and, while in cache, its
 * rows of the next step's C^T V: two sweeps of C per step instead of six.
 * Returns 0 or a LAPACK call's info. */
static int reduce_to_band(lapack_int rows, lapack_int cols, double *x, lapack_int ldx, lapack_int nb,
                          const band_bufs *b)
{
#define X(i, j) (x + (i) + (size_t)(j) * (size_t)ldx)
    const lapack_int ldl = b->ldl, ldr = b->ldr;
    lapack_int ib = cols < nb ? cols : nb;
    int cur = 0;
    /* recursive QR: the panel's own flops as BLAS-3, and T with them */
    int info = LAPACKE_dgeqrt3_work(LAPACK_COL_MAJOR, rows, ib, x, ldx, b->t1, nb);
    if (info != 0 || cols == ib)
        return info;
    explicit_v(x, ldx, rows, ib, b->left[0], ldl);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, cols - ib, ib, rows, 1.0, X(0, ib), ldx, b->left[0],
                ldl, 0.0, b->right[0], ldr);
    for (lapack_int k = 0;; k += nb) {
        lapack_int tall = rows - k, rest = cols - k - ib, below = tall - ib, kk = ib < rest ? ib : rest;
        double *v = b->left[cur], *w = b->right[cur], *ut = w + (size_t)ib * ldr;
        double *y = v + ib + (size_t)ib * ldl;
        /* W = C^T V T1; the panel's own rows first, for the LQ */
        cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, rest, ib, 1.0, b->t1,
                    nb, w, ldr);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, ib, rest, ib, -1.0, v, ldl, w, ldr, 1.0,
                    X(k, k + ib), ldx);
        info = lq_panel(X(k, k + ib), ldx, ib, rest, ut, ldr, b);
        if (info != 0)
            break;
        /* Y = (C U^T - V (U W)^T) T2, beside V */
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, kk, ib, rest, 1.0, ut, ldr, w, ldr, 0.0, b->p, nb);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, below, kk, rest, 1.0, X(k + ib, k + ib), ldx,
                    ut, ldr, 0.0, y, ldl);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, below, kk, ib, -1.0, v + ib, ldl, b->p, nb, 1.0,
                    y, ldl);
        cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, below, kk, 1.0, b->t2,
                    ib, y, ldl);
        /* the next panel: updated, then factored while the rest waits */
        lapack_int ib2 = rest < nb ? rest : nb, rest2 = rest - ib2;
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, below, ib2, ib + kk, -1.0, v + ib, ldl, w, ldr,
                    1.0, X(k + ib, k + ib), ldx);
        info = LAPACKE_dgeqrt3_work(LAPACK_COL_MAJOR, below, ib2, X(k + ib, k + ib), ldx, b->t1, nb);
        if (info != 0 || rest2 == 0)
            break;
        double *vn = b->left[1 - cur], *wn = b->right[1 - cur];
        explicit_v(X(k + ib, k + ib), ldx, below, ib2, vn, ldl);
        for (lapack_int j0 = ib2; j0 < rest; j0 += STAGE1_BLOCK) {
            lapack_int jw = rest - j0 < STAGE1_BLOCK ? rest - j0 : STAGE1_BLOCK;
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, below, jw, ib + kk, -1.0, v + ib, ldl, w + j0,
                        ldr, 1.0, X(k + ib, k + ib + j0), ldx);
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, jw, ib2, below, 1.0, X(k + ib, k + ib + j0),
                        ldx, vn, ldl, 0.0, wn + (j0 - ib2), ldr);
        }
        cur = 1 - cur;
        ib = ib2;
    }
    return info;
#undef X
}

/* The transpose of the m x n matrix a into t, in tiles, so that the strided
 * side's cache lines are filled while still cached when m is large (4000 x
 * 8000: 0.069 s against 0.107 s column by column; at 1000 x 4000 both take
 * 5-8 ms). */
static void transpose(int64_t m, int64_t n, const double *a, int64_t lda, double *t, int64_t ldt)
{
    enum { TILE = 32 };
    for (int64_t j0 = 0; j0 < n; j0 += TILE)
        for (int64_t i0 = 0; i0 < m; i0 += TILE) {
            int64_t j1 = j0 + TILE < n ? j0 + TILE : n, i1 = i0 + TILE < m ? i0 + TILE : m;
            for (int64_t i = i0; i < i1; i++)
                for (int64_t j = j0; j < j1; j++)
                    t[j + i * ldt] = a[i + j * lda];
        }
}

/* dlarfg's reflector for (alpha, x[1..len-1]) with stride inc, into v
 * (v[0] = 1) and x zeroed; returns tau. The band was scaled into LAPACK's
 * safe range, so a plain sum of squares neither overflows nor loses what
 * matters; anything near the edges goes to dlarfg itself. */
static double make_reflector(double *alpha, double *x, int inc, int len, double *v)
{
    double ssq = 0.0;
    for (int i = 1; i < len; i++) {
        double xi = x[(size_t)(i - 1) * inc];
        v[i] = xi;
        ssq += xi * xi;
    }
    v[0] = 1.0;
    if (ssq == 0.0)
        return 0.0;
    double tau;
    if (!(ssq > 1e-280 && ssq < 1e280)) {
        LAPACKE_dlarfg_work(len, alpha, x, inc, &tau);
        for (int i = 1; i < len; i++) {
            v[i] = x[(size_t)(i - 1) * inc];
            x[(size_t)(i - 1) * inc] = 0.0;
        }
        return tau;
    }
    double a = *alpha, beta = -copysign(sqrt(a * a + ssq), a);
    tau = (beta - a) / beta;
    double scale = 1.0 / (a - beta);
    for (int i = 1; i < len; i++) {
        v[i] *= scale;
        x[(size_t)(i - 1) * inc] = 0.0;
    }
    *alpha = beta;
    return tau;
}

/* A := A (I - tau v v^T) for the rows x len block at a (leading dimension
 * lda, v[0] = 1); w holds rows doubles. Rows run down the columns, so each
 * pass is a vector operation; four columns per pass load and store w a
 * quarter as often (the chase at n=2000: 0.067 -> 0.057 s). */
TWOSTAGE_CLONES
static void reflect_right(double *restrict a, int lda, int rows, int len, const double *restrict v,
                          double tau, double *restrict w)
{
#pragma omp simd
    for (int r = 0; r < rows; r++)
        w[r] = a[r];
    int j = 1;
    for (; j + 4 <= len; j += 4) {
        const double *c0 = a + (size_t)j * lda, *c1 = c0 + lda, *c2 = c1 + lda, *c3 = c2 + lda;
        double v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3];
#pragma omp simd
        for (int r = 0; r < rows; r++)
            w[r] += c0[r] * v0 + c1[r] * v1 + c2[r] * v2 + c3[r] * v3;
    }
    for (; j < len; j++) {
        const double *col = a + (size_t)j * lda;
        double vj = v[j];
#pragma omp simd
        for (int r = 0; r < rows; r++)
            w[r] += col[r] * vj;
    }
#pragma omp simd
    for (int r = 0; r < rows; r++)
        w[r] *= tau;
    j = 0;
    for (; j + 4 <= len; j += 4) {
        double *c0 = a + (size_t)j * lda, *c1 = c0 + lda, *c2 = c1 + lda, *c3 = c2 + lda;
        double v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3];
#pragma omp simd
        for (int r = 0; r < rows; r++) {
            double wr = w[r];
            c0[r] -= wr * v0;
            c1[r] -= wr * v1;
            c2[r] -= wr * v2;
            c3[r] -= wr * v3;
        }
    }
    for (; j < len; j++) {
        double *col = a + (size_t)j * lda, vj = v[j];
#pragma omp simd
        for (int r = 0; r < rows; r++)
            col[r] -= w[r] * vj;
    }
}

/* A := (I - tau v v^T) A for the len x cols block at a (v[0] = 1). Four
 * columns at a time: one column's dot product is a chain of dependent adds,
 * four are independent. */
TWOSTAGE_CLONES
static void reflect_left(double *restrict a, int lda, int len, int cols, const double *restrict v,
                         double tau)
{
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
        double *c0 = a + (size_t)j * lda, *c1 = c0 + lda, *c2 = c1 + lda, *c3 = c2 + lda;
        double d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
#pragma omp simd reduction(+ : d0, d1, d2, d3)
        for (int i = 0; i < len; i++) {
            d0 += v[i] * c0[i];
            d1 += v[i] * c1[i];
            d2 += v[i] * c2[i];
            d3 += v[i] * c3[i];
        }
        d0 *= tau;
        d1 *= tau;
        d2 *= tau;
        d3 *= tau;
#pragma omp simd
        for (int i = 0; i < len; i++) {
            c0[i] -= d0 * v[i];
            c1[i] -= d1 * v[i];
            c2[i] -= d2 * v[i];
            c3[i] -= d3 * v[i];
        }
    }
    for (; j < cols; j++) {
        double *col = a + (size_t)j * lda, dot = 0.0;
#pragma omp simd reduction(+ : dot)
        for (int i = 0; i < len; i++)
            dot += v[i] * col[i];
        dot *= tau;
#pragma omp simd
        for (int i = 0; i < len; i++)
            col[i] -= dot * v[i];
    }
}

/* One block of sweep: the right reflector from row pivot over columns
 * c .. c+len-1, then the left one from column c. */
static void chase_step(int n, int b, double *ab, int pivot, int c, double *v, double *w)
{
    const int ld = 3 * b, off = 2 * b - 1;
#define AB(i, j) (ab + off + (i) + (size_t)(j) * (size_t)ld)
    int len = n - c < b ? n - c : b;
    if (len < 2)
        return;
    /* row pivot: keep column c, annihilate c+1 .. c+len-1 */
    double *row = AB(pivot, c);
    double tau = make_reflector(row, row + ld, ld, len, v);
    if (tau != 0.0)
        reflect_right(AB(pivot + 1, c), ld, c + len - 1 - pivot, len, v, tau, w);
    /* column c: annihilate below the diagonal; the rows then reach into
     * the next block */
    double *col = AB(c, c);
    tau = make_reflector(col, col + 1, 1, len, v);
    int right = n - 1 - c < 2 * b - 1 ? n - 1 - c : 2 * b - 1;
    if (tau != 0.0 && right > 0)
        reflect_left(AB(c, c + 1), ld, len, right, v, tau);
#undef AB
}

/* Stage 2: the upper band of width b of the n x n matrix in ab to upper
 * bidiagonal (d, e). ab is compact: entry (i, j) lives at ab[OFF + i + j*LD]
 * with LD = 3b and OFF = 2b - 1, which gives each column the rows
 * j - 2b + 1 .. j + b - 1: the band, the bulge a sweep leaves below the
 * diagonal (b - 1 rows) and above the band (b - 1 columns), each column
 * contiguous and every block a plain column-major matrix of leading
 * dimension LD. Sweep s makes row s bidiagonal with one right reflector,
 * then chases its fill down the band in b-wide blocks, one left and one
 * right reflector per block, each touching at most 2b x b entries. The
 * triangles each block leaves behind belong to the next sweeps.
 *
 * Sweeps run CHASE_WAVE at a time, each two blocks behind the one before:
 * block k of sweep s+1 touches what blocks up to k+2 of sweep s wrote and
 * nothing block k+3 reads, so the order of every overlapping pair is the
 * sequential one (the result is bit for bit the same) while a stretch of
 * band is reused by CHASE_WAVE sweeps before it leaves the cache. */
#ifndef CHASE_WAVE
#define CHASE_WAVE 8
#endif

static void chase_band(int n, int b, double *ab, double *v, double *w)
{
    for (int s0 = 0; s0 + 1 < n; s0 += CHASE_WAVE) {
        int sweeps = n - 1 - s0 < CHASE_WAVE ? n - 1 - s0 : CHASE_WAVE;
        int pivot[CHASE_WAVE], c[CHASE_WAVE];
        for (int i = 0; i < sweeps; i++) {
            pivot[i] = s0 + i;
            c[i] = s0 + i + 1;
        }
        for (int t = 0, active = sweeps; active > 0; t++) {
            active = 0;
            for (int i = 0; i < sweeps; i++) {
                if (c[i] >= n)
                    continue;
                active++;
                if (t < 2 * i)
                    continue;
                chase_step(n, b, ab, pivot[i], c[i], v, w);
                pivot[i] = c[i];
                c[i] += b;
            }
        }
    }
}

int twostage_sigma(int64_t m, int64_t n, double *a, int64_t lda, int nb, double *sigma,
                   double *work, twostage_times *times)
{
    if (m < 1)
        return -1;
    if (n < 1)
        return -2;
    if (lda < m)
        return -4;
    if (nb < 1)
        return -5;
    layout l;
    if (!plan_layout(m, n, nb, &l))
        return -1;
    double *tau = work, *t = tau + l.tau, *panel = t + l.t, *left = panel + l.panel;
    double *right = left + l.left, *trans = right + l.right;
    double *band = trans + l.trans, *d = band + l.band, *e = d + l.de / 2, *vw = e + l.de / 2;
    double *bd_work = vw + l.vw;
    twostage_times local = {0};
    double t0 = sysinfo_now();

    /* scale into LAPACK's safe range as dgesdd does (dlange is 5x slower
     * than this loop and the caller has checked a is finite) */
    double anrm = 0.0;
    for (int64_t j = 0; j < n; j++) {
        const double *col = a + j * lda;
#pragma omp simd reduction(max : anrm)
        for (int64_t i = 0; i < m; i++)
            anrm = fmax(anrm, fabs(col[i]));
    }
    int64_t narrow = m < n ? m : n;
    if (anrm == 0.0) {
        memset(sigma, 0, (size_t)narrow * sizeof *sigma);
        if (times)
            *times = local;
        return 0;
    }
    double smlnum = LAPACKE_dlamch_work('S'), eps = LAPACKE_dlamch_work('P');
    smlnum = sqrt(smlnum) / eps;
    double bignum = 1.0 / smlnum, scaled_to = 0.0;
    if (anrm < smlnum)
        scaled_to = smlnum;
    else if (anrm > bignum)
        scaled_to = bignum;
    if (scaled_to != 0.0)
        LAPACKE_dlascl_work(LAPACK_COL_MAJOR, 'G', 0, 0, anrm, scaled_to, (lapack_int)m,
                            (lapack_int)n, a, (lapack_int)lda);

    /* tall from here on: a wide matrix is transposed (same singular values;
     * the transpose and a QR beat dgelqf, whose panels go row by row) */
    lapack_int rows = (lapack_int)m, cols = (lapack_int)n, ldx = (lapack_int)lda;
    double *x = a;
    if (m < n) {
        transpose(m, n, a, lda, trans, n);
        x = trans;
        rows = (lapack_int)n;
        cols = (lapack_int)m;
        ldx = (lapack_int)n;
    }
    int info = 0;
    /* a long rectangle: QR first, then reduce R (dgesdd's threshold) */
    if (rows > cols && 6 * (int64_t)rows >= 11 * (int64_t)cols) {
        info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, rows, cols, x, ldx, tau, panel,
                                   (lapack_int)l.lpanel);
        for (lapack_int j = 0; j < cols; j++)
            memset(x + (j + 1) + (size_t)j * ldx, 0, (size_t)(cols - j - 1) * sizeof *x);
        rows = cols;
    }
    double t1 = sysinfo_now();
    if (info == 0)
    {
        size_t half = l.left / 2;
        band_bufs bufs = {tau,
                          t,
                          t + (size_t)nb * nb,
                          t + 2 * (size_t)nb * nb,
                          {left, left + half},
                          {right, right + half},
                          rows,
                          cols,
                          panel,
                          (lapack_int)l.lpanel};
        info = reduce_to_band(rows, cols, x, ldx, nb, &bufs);
    }
    double t2 = sysinfo_now();
    if (info != 0)
        return info > 0 ? -1 : info;

    memset(band, 0, l.band * sizeof *band);
    const int ld = 3 * nb, off = 2 * nb - 1;
    for (lapack_int j = 0; j < cols; j++) {
        lapack_int top = j - nb > 0 ? j - nb : 0;
        memcpy(band + off + top + (size_t)j * ld, x + top + (size_t)j * ldx,
               (size_t)(j - top + 1) * sizeof *x);
    }
    chase_band(cols, nb, band, vw, vw + nb);
    for (lapack_int i = 0; i < cols; i++) {
        d[i] = band[off + i + (size_t)i * ld];
        if (i + 1 < cols)
            e[i] = band[off + i + (size_t)(i + 1) * ld];
    }
    double t3 = sysinfo_now();
    double dummy = 0.0;
    info = LAPACKE_dbdsqr_work(LAPACK_COL_MAJOR, 'U', cols, 0, 0, 0, d, e, &dummy, 1, &dummy, 1,
                               &dummy, 1, bd_work);
    double t4 = sysinfo_now();
    if (info == 0) {
        memcpy(sigma, d, (size_t)cols * sizeof *sigma);
        if (scaled_to != 0.0)
            LAPACKE_dlascl_work(LAPACK_COL_MAJOR, 'G', 0, 0, scaled_to, anrm, cols, 1, sigma, cols);
    }
    local.prep = t1 - t0;
    local.band = t2 - t1;
    local.chase = t3 - t2;
    local.bidiag = t4 - t3;
    if (times)
        *times = local;
    return info;
}
