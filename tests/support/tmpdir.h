/* tests/support/tmpdir.h - per-test temporary directories and small file helpers for fixtures. */
#ifndef PP_TESTS_TMPDIR_H
#define PP_TESTS_TMPDIR_H

#include <stddef.h>

/* Creates a fresh directory under $TMPDIR (or /tmp); returns a malloc'd path. Aborts on failure. */
char *tt_mkdtemp(void);
/* rm -rf path (refuses anything outside the temp directory).  Frees nothing. */
void tt_rmrf(const char *path);
/* Writes a file (creating parent directories); aborts on failure.  Path is dir + "/" + rel. */
void tt_write(const char *dir, const char *rel, const char *content);
void tt_write_bytes(const char *dir, const char *rel, const void *data, size_t len);
/* Creates a symlink dir/rel -> target (parents created). */
void tt_symlink(const char *dir, const char *rel, const char *target);
/* Creates directory dir/rel with parents. */
void tt_mkdir(const char *dir, const char *rel);
/* Reads dir/rel whole (malloc'd, NUL-terminated); NULL when absent. */
char *tt_read(const char *dir, const char *rel, size_t *len);
/* Path of a file from the source tree (PP_SRCDIR) or ../shared: tt_src("tests/...") */
const char *tt_src(const char *rel);
const char *tt_shared(const char *rel);

#endif
