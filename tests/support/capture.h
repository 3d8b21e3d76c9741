/* capture: a test's stderr diverted into a temporary file while a speaking call runs. */
#ifndef SVDRUN_TEST_CAPTURE_H
#define SVDRUN_TEST_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    int saved;
    FILE *file;
} capture;

/* Diverts stderr (fd 2) into a temporary file. Returns 0, or -1 with errno
 * (stderr then unchanged). */
int capture_start(capture *c);

/* Restores stderr; msg (len bytes, NUL-terminated) gets what was written to
 * it. Returns 0, or -1 with errno. */
int capture_end(capture *c, char *msg, size_t len);

#endif
