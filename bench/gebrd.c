/* gebrd: where dgesdd's time goes for singular values only: dgebrd (the one-stage bidiagonal reduction) against the whole call, one thread. */
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matgen.h"
#include "sysinfo.h"

extern void openblas_set_num_threads(int n);

/* usage: gebrd N [N...]. Prints one Markdown row per n: dgesdd jobz=N, dgebrd
 * alone on the same matrix, the share of dgebrd, and GFLOP/s of 8/3 n^3. */
int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    printf("| n | dgesdd σ-only s | dgebrd s | dgebrd share | GFLOP/s of 8/3·n³ (dgesdd) |\n"
           "|---|---|---|---|---|\n");
    for (int i = 1; i < argc; i++) {
        lapack_int n = atoi(argv[i]);
        size_t nn = (size_t)n * (size_t)n;
        double *a = malloc(nn * sizeof *a), *b = malloc(nn * sizeof *b);
        double *s = malloc((size_t)n * sizeof *s), *e = malloc((size_t)n * sizeof *e);
        double *tq = malloc((size_t)n * sizeof *tq), *tp = malloc((size_t)n * sizeof *tp);
        if (!a || !b || !s || !e || !tq || !tp || n < 2)
            return 1;
        matgen_fill(0, 0, n, n, a, n, MATGEN_COL_MAJOR);
        memcpy(b, a, nn * sizeof *a);
        double t0 = sysinfo_now();
        if (LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', n, n, a, n, s, NULL, 1, NULL, 1) != 0)
            return 2;
        double t1 = sysinfo_now();
        if (LAPACKE_dgebrd(LAPACK_COL_MAJOR, n, n, b, n, s, e, tq, tp) != 0)
            return 2;
        double t2 = sysinfo_now();
        double flops = 8.0 / 3.0 * (double)n * n * n;
        printf("| %d | %.2f | %.2f | %.0f%% | %.1f |\n", (int)n, t1 - t0, t2 - t1,
               100 * (t2 - t1) / (t1 - t0), flops / (t1 - t0) / 1e9);
        fflush(stdout);
        free(a); free(b); free(s); free(e); free(tq); free(tp);
    }
    return 0;
}
