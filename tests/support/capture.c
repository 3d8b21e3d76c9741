/* capture: a test's stderr diverted into a temporary file while a speaking call runs. */
#include "capture.h"

#include <unistd.h>

int capture_start(capture *c)
{
    fflush(stderr);
    c->file = tmpfile();
    if (!c->file)
        return -1;
    c->saved = dup(2);
    if (c->saved < 0 || dup2(fileno(c->file), 2) < 0) {
        if (c->saved >= 0)
            close(c->saved);
        fclose(c->file);
        return -1;
    }
    return 0;
}

int capture_end(capture *c, char *msg, size_t len)
{
    fflush(stderr);
    int rc = dup2(c->saved, 2) < 0 ? -1 : 0;
    close(c->saved);
    rewind(c->file);
    size_t n = fread(msg, 1, len - 1, c->file);
    msg[n] = '\0';
    fclose(c->file);
    return rc;
}
