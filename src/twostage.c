/* twostage: singular values through a two-stage bidiagonal reduction (dense to band with BLAS-3, band to bidiagonal by bulge chasing, then dqds). */
#include "twostage.h"

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
    /* bench/results/twostage.md: a wider band speeds stage 1's GEMMs and
     * slows the chase linearly; these are the sweep's best per size */
    if (n < 600)
        return 16;
    if (n < 3000)
        return 24;
    return 32;
}

/* The workspace's parts, in doubles, in the order they are laid out. */
typedef struct {
    size_t tau, t, panel, trans, band, de, vw, bdsqr;
    int64_t lpanel;
} layout;

static bool mul_ok(int64_t a, int64_t b) { return a >= 0 && b >= 0 && (b == 0 || a <= INT64_MAX / b); }

static bool plan_layout(int64_t m, int64_t n, int nb, layout *l)
{
    int64_t wide = m > n ? m : n, narrow = m < n ? m : n;
    int64_t panel_cols = nb > 32 ? nb : 32;
    if (nb < 1 || narrow < 1 || !mul_ok(wide, panel_cols) || !mul_ok(narrow, 3 * (int64_t)nb + 1) ||
        !mul_ok(m, n))
        return false;
    l->tau = (size_t)narrow;
    l->t = (size_t)nb * (size_t)nb;
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
    size_t parts[] = {l.tau, l.t, l.panel, l.trans, l.band, l.de, l.vw, l.bdsqr};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i] > SIZE_MAX / sizeof(double) - sum)
            return 0;
        sum += parts[i];
    }
    return sum;
}

/* Stage 1: the rows x cols matrix x (rows >= cols) to upper band form of
 * width nb in its top cols x cols block. Column panels by QR with Q^T
 * applied to the right, then row panels shifted by nb by LQ applied to the
 * rows below, so the flops are dlarfb's matrix-matrix products.
 * Returns 0 or the failing LAPACK call's info. */
static int reduce_to_band(lapack_int rows, lapack_int cols, double *x, lapack_int ldx, lapack_int nb,
                          double *tau, double *t, double *panel, lapack_int lpanel)
{
#define X(i, j) (x + (i) + (size_t)(j) * (size_t)ldx)
    int info = 0;
    for (lapack_int k = 0; k < cols && info == 0; k += nb) {
        lapack_int ib = cols - k < nb ? cols - k : nb;
        info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, rows - k, ib, X(k, k), ldx, tau, panel, lpanel);
        lapack_int rest = cols - k - ib;
        if (info != 0 || rest == 0)
            break;
        info = LAPACKE_dlarft_work(LAPACK_COL_MAJOR, 'F', 'C', rows - k, ib, X(k, k), ldx, tau, t, nb);
        if (info == 0)
            info = LAPACKE_dlarfb_work(LAPACK_COL_MAJOR, 'L', 'T', 'F', 'C', rows - k, rest, ib,
                                       X(k, k), ldx, t, nb, X(k, k + ib), ldx, panel, rest);
        /* the row panel right of the R block becomes L: the band's upper edge */
        lapack_int kk = ib < rest ? ib : rest;
        if (info == 0)
            info = LAPACKE_dgelqf_work(LAPACK_COL_MAJOR, ib, rest, X(k, k + ib), ldx, tau, panel, lpanel);
        lapack_int below = rows - k - ib;
        if (info == 0)
            info = LAPACKE_dlarft_work(LAPACK_COL_MAJOR, 'F', 'R', rest, kk, X(k, k + ib), ldx, tau, t, nb);
        /* dgelqf's Q is H(k)..H(1), so A Q^T is dlarfb's H(1)..H(k) untransposed */
        if (info == 0)
            info = LAPACKE_dlarfb_work(LAPACK_COL_MAJOR, 'R', 'N', 'F', 'R', below, rest, kk,
                                       X(k, k + ib), ldx, t, nb, X(k + ib, k + ib), ldx, panel, below);
    }
    return info;
#undef X
}

/* A := A (I - tau v v^T) for the rows x len block at a (leading dimension
 * lda, v[0] = 1); w holds rows doubles. */
TWOSTAGE_CLONES
static void reflect_right(double *restrict a, int lda, int rows, int len, const double *restrict v,
                          double tau, double *restrict w)
{
    for (int r = 0; r < rows; r++)
        w[r] = a[r];
    for (int j = 1; j < len; j++) {
        const double *col = a + (size_t)j * lda;
        double vj = v[j];
        for (int r = 0; r < rows; r++)
            w[r] += col[r] * vj;
    }
    for (int j = 0; j < len; j++) {
        double *col = a + (size_t)j * lda;
        double tv = tau * v[j];
        for (int r = 0; r < rows; r++)
            col[r] -= tv * w[r];
    }
}

/* A := (I - tau v v^T) A for the len x cols block at a (v[0] = 1). */
TWOSTAGE_CLONES
static void reflect_left(double *restrict a, int lda, int len, int cols, const double *restrict v,
                         double tau)
{
    for (int j = 0; j < cols; j++) {
        double *col = a + (size_t)j * lda;
        double dot = col[0];
        for (int i = 1; i < len; i++)
            dot += v[i] * col[i];
        dot *= tau;
        col[0] -= dot;
        for (int i = 1; i < len; i++)
            col[i] -= dot * v[i];
    }
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
 * triangles each block leaves behind belong to the next sweeps. */
static void chase_band(int n, int b, double *ab, double *v, double *w)
{
    const int ld = 3 * b, off = 2 * b - 1;
#define AB(i, j) (ab + off + (i) + (size_t)(j) * (size_t)ld)
    for (int s = 0; s + 1 < n; s++) {
        int pivot = s, c = s + 1;
        while (c < n) {
            int len = n - c < b ? n - c : b;
            if (len > 1) {
                /* row pivot: keep column c, annihilate c+1 .. c+len-1 */
                double tau, *row = AB(pivot, c);
                v[0] = 1.0;
                LAPACKE_dlarfg_work(len, row, row + ld, ld, &tau);
                for (int j = 1; j < len; j++) {
                    v[j] = row[(size_t)j * ld];
                    row[(size_t)j * ld] = 0.0;
                }
                if (tau != 0.0)
                    reflect_right(AB(pivot + 1, c), ld, c + len - 1 - pivot, len, v, tau, w);
                /* column c: annihilate below the diagonal, then the rows
                 * meet the next block */
                double *col = AB(c, c);
                LAPACKE_dlarfg_work(len, col, col + 1, 1, &tau);
                for (int i = 1; i < len; i++) {
                    v[i] = col[i];
                    col[i] = 0.0;
                }
                int right = n - 1 - c < 2 * b - 1 ? n - 1 - c : 2 * b - 1;
                if (tau != 0.0 && right > 0)
                    reflect_left(AB(c, c + 1), ld, len, right, v, tau);
            }
            pivot = c;
            c += b;
        }
    }
#undef AB
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
    double *tau = work, *t = tau + l.tau, *panel = t + l.t, *trans = panel + l.panel;
    double *band = trans + l.trans, *d = band + l.band, *e = d + l.de / 2, *vw = e + l.de / 2;
    double *bd_work = vw + l.vw;
    twostage_times local = {0};
    double t0 = sysinfo_now();

    /* scale into LAPACK's safe range exactly as dgesdd does */
    double anrm = LAPACKE_dlange_work(LAPACK_COL_MAJOR, 'M', (lapack_int)m, (lapack_int)n, a,
                                      (lapack_int)lda, NULL);
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

    /* tall from here on: a wide matrix is transposed (same singular values) */
    lapack_int rows = (lapack_int)m, cols = (lapack_int)n, ldx = (lapack_int)lda;
    double *x = a;
    if (m < n) {
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < m; i++)
                trans[j + i * n] = a[i + j * lda];
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
        info = reduce_to_band(rows, cols, x, ldx, nb, tau, t, panel, (lapack_int)l.lpanel);
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
    local.qr = t1 - t0;
    local.band = t2 - t1;
    local.chase = t3 - t2;
    local.bidiag = t4 - t3;
    if (times)
        *times = local;
    return info;
}
