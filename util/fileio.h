/* util/fileio.h - reading files whole, small sysfs-style attributes, and atomic replacement. */
#ifndef PP_UTIL_FILEIO_H
#define PP_UTIL_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* Reads the whole file into a NUL-terminated malloc'd buffer (*len excludes the NUL; the content
 * may contain NUL bytes).  More than max bytes: -EFBIG.  0 or -errno, message in e. */
int util_file_read(const char *path, size_t max, char **data, size_t *len, struct util_err *e);

/* Reads a small text attribute (sysfs, /proc) into buf, trailing whitespace trimmed.
 * 0 or -errno (no message: absent attributes are often normal). */
int util_attr_read(const char *path, char *buf, size_t n);
/* The same, relative to a directory descriptor (openat; AT_FDCWD for a plain path). */
int util_attr_readat(int dfd, const char *name, char *buf, size_t n);
/* Parses an attribute as an integer in the given base (0 = auto, accepts 0x). 0 or -errno. */
int util_attr_read_long(const char *path, int base, long *out);

/* Resolves a symlink and returns its last path component ("../../../0000:00:02.0" -> "0000:00:02.0").
 * 0 or -errno. */
int util_link_basename(const char *path, char *buf, size_t n);

bool util_exists(const char *path);
bool util_is_dir(const char *path);

/* Creates a directory and its parents (mode 0755).  0 or -errno. */
int util_mkdir_p(const char *path, struct util_err *e);

/* Steps of util_file_write_atomic, for tests that stop the writer between them. */
enum util_write_step {
	UTIL_WRITE_STEP_TMP_CREATED, /* temp file exists, empty */
	UTIL_WRITE_STEP_TMP_HALF,    /* half of the data written */
	UTIL_WRITE_STEP_TMP_WRITTEN, /* all data written and synced, not yet renamed */
	UTIL_WRITE_STEP_RENAMED,     /* the new file is in place */
};

struct util_write_opts {
	mode_t mode_if_new; /* mode for a file that does not exist yet (0 = 0644) */
	/* Called at each step (tests only); NULL in production. */
	void (*step)(enum util_write_step step, void *arg);
	void *step_arg;
};

/* Replaces path with data: writes "<path>.tmp.<pid>" (O_CREAT|O_EXCL) in the same directory with
 * the old file's mode and ownership, fsyncs, then rename()s it over path.  On any failure the temp
 * file is removed and the old file is untouched.  0 or -errno, message in e. */
int util_file_write_atomic(const char *path, const void *data, size_t len,
                           const struct util_write_opts *opts, struct util_err *e);

#endif
