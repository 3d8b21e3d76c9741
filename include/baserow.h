/* baserow: the row speedups are measured against: --base parsed, its default, a row's match. */
#ifndef SVDRUN_BASEROW_H
#define SVDRUN_BASEROW_H

#include <stddef.h>

/* Which row speedups are measured against; 0 or "" means any value, but
 * for dtype, where "" means the group's own (compare: float64 when it has
 * float64 rows): a float32 row's speedup is its gain over double precision. */
typedef struct {
    int ranks, threads;
    char thread_mode[16], distribute[16], engine[48], dtype[16];
} baserow_spec;

/* Parses --base's "ranks=2,threads=1,thread_mode=blas,dtype=float32" into
 * spec. Returns 0, or -1 with a message naming the bad pair in err (a dtype
 * must be one of dtype.h's names). */
int baserow_parse(const char *text, baserow_spec *spec, char *err, size_t errlen);

/* The default base: ranks=1, threads=1, preferring blas/regenerate/lapack,
 * in the group's own dtype. Cannot fail. */
void baserow_default(baserow_spec *spec);

/* The spec to try when spec matches no row: for the default, 1 rank x 1
 * thread in any thread mode, distribute and engine (still the group's own
 * dtype); a --base given has none.
 * Returns 1 with fallback filled, or 0; cannot fail. */
int baserow_fallback(const baserow_spec *spec, baserow_spec *fallback);

/* Whether a configuration is one spec names: each field that spec gives is
 * equal (a dtype "" matches any: the caller fills in the group's own).
 * Returns 1 or 0; cannot fail. */
int baserow_matches(const baserow_spec *spec, int ranks, int threads, const char *thread_mode,
                    const char *distribute, const char *engine, const char *dtype);

#endif
