/* baserow: the row speedups are measured against: --base parsed, its default, a row's match. */
#ifndef SVDRUN_BASEROW_H
#define SVDRUN_BASEROW_H

#include <stddef.h>

/* Which row speedups are measured against; 0 or "" means any value. */
typedef struct {
    int ranks, threads;
    char thread_mode[16], distribute[16], engine[48];
} baserow_spec;

/* Parses --base's "ranks=2,threads=1,thread_mode=blas" into spec. Returns 0,
 * or -1 with a message naming the bad pair in err. */
int baserow_parse(const char *text, baserow_spec *spec, char *err, size_t errlen);

/* The default base: ranks=1, threads=1, preferring blas/regenerate/lapack.
 * Cannot fail. */
void baserow_default(baserow_spec *spec);

/* The spec to try when spec matches no row: for the default, 1 rank x 1
 * thread in any thread mode, distribute and engine; a --base given has none.
 * Returns 1 with fallback filled, or 0; cannot fail. */
int baserow_fallback(const baserow_spec *spec, baserow_spec *fallback);

/* Whether a configuration is one spec names: each field that spec gives is
 * equal. Returns 1 or 0; cannot fail. */
int baserow_matches(const baserow_spec *spec, int ranks, int threads, const char *thread_mode,
                    const char *distribute, const char *engine);

#endif
