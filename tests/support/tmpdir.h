/* tmpdir: a fresh directory for a test's files, and its removal. */
#ifndef SVDRUN_TEST_TMPDIR_H
#define SVDRUN_TEST_TMPDIR_H

#include <stddef.h>

/* Creates $TMPDIR/NAME_XXXXXX (or under /tmp) and writes its path to dir.
 * Returns 0, or -1 with errno. */
int tmpdir_make(char *dir, size_t len, const char *name);

/* Removes dir and the files in it (not subdirectories). Returns 0, or -1
 * with errno. */
int tmpdir_remove(const char *dir);

/* A test fixture of size bytes, zeroed, whose first member is a char
 * array of TMPDIR_FIXTURE_DIR bytes: that gets a fresh directory
 * (tmpdir_make). Returns it, or NULL. */
#define TMPDIR_FIXTURE_DIR 256
void *tmpdir_fixture(size_t size, const char *name);

/* Writes text to dir/name and its path to path (len bytes). Returns 0, or
 * -1 with errno. */
int tmpdir_write(const char *dir, const char *name, const char *text, char *path, size_t len);

/* The entries of dir but . and ..; -1 when it cannot be read. */
int tmpdir_count(const char *dir);

/* A cmocka teardown for a test fixture allocated with malloc whose first
 * member is the char array of its directory: removes that, frees the
 * fixture. Returns 0 or -1 (cmocka then fails the test). */
int tmpdir_teardown(void **state);

#endif
