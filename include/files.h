/* files: output files checked before any work, and written under a temporary name renamed into place, so no reader ever sees half a file. */
#ifndef SVDRUN_FILES_H
#define SVDRUN_FILES_H

#include <stddef.h>

/* Writes path's temporary name, "path.tmp.PID", into buf: unique to this
 * process, and in path's directory so the rename stays on one file system.
 * Returns 0, or ENAMETOOLONG when buf is too short (buf then holds no
 * usable name). */
int files_temp_path(char *buf, size_t len, const char *path);

/* Renames tmp onto path when error is 0. When error is not 0 (the errno of
 * the caller's failed write), or the rename fails, removes tmp and writes
 * "path: cannot write: reason" to err. Returns 0, or the errno that stopped
 * it. */
int files_replace(const char *tmp, const char *path, int error, char *err, size_t errlen);

/* Checks, before any work, that path can be written: not empty, not a
 * directory, its directory exists and is writable. Returns 0, or -1 with the
 * reason in err. */
int files_check_output_path(const char *path, char *err, size_t errlen);

#endif
