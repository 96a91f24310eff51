/* util/fileio.h - reading files whole, small sysfs-style attributes, and atomic replacement. */
#ifndef PP_UTIL_FILEIO_H
#define PP_UTIL_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* Opens name (relative to dfd, or AT_FDCWD) for reading with O_NONBLOCK, so that a FIFO in place
 * of a file never blocks, and refuses anything but a regular file (a directory: -EISDIR; a FIFO,
 * device or socket: -EINVAL; a message naming shown and what it is).  flags may add O_NOFOLLOW
 * (a symbolic link: -ELOOP).  The fd or -errno. */
int util_open_regular(int dfd, const char *name, int flags, const char *shown, struct util_err *e);

/* Reads the whole regular file into a NUL-terminated malloc'd buffer (*len excludes the NUL; the
 * content may contain NUL bytes).  More than max bytes: -EFBIG.  Never blocks on a FIFO (see
 * util_open_regular).  0 or -errno, message in e. */
int util_file_read(const char *path, size_t max, char **data, size_t *len, struct util_err *e);
/* The same relative to a directory fd, with extra open flags (O_NOFOLLOW); shown names the file
 * in messages. */
int util_file_readat(int dfd, const char *name, int flags, const char *shown, size_t max,
                     char **data, size_t *len, struct util_err *e);
struct stat;
/* util_file_read that also gives the fstat() of the file it read (which inode, its ctime), so a
 * caller can tell later whether the name still refers to that same file. */
int util_file_read_st(const char *path, const char *shown, size_t max, char **data, size_t *len,
                      struct stat *st, struct util_err *e);

/* Reads a small text attribute (sysfs, /proc) into buf, trailing whitespace trimmed.  Anything
 * but a regular file (a FIFO planted in a copied tree) is -EINVAL / -EISDIR, never a hang.
 * 0 or -errno (no message: absent attributes are often normal). */
int util_attr_read(const char *path, char *buf, size_t n);
/* The same, relative to a directory descriptor (openat; AT_FDCWD for a plain path). */
int util_attr_readat(int dfd, const char *name, char *buf, size_t n);
/* Parses an attribute as an integer in the given base (0 = auto, accepts 0x). 0 or -errno. */
int util_attr_read_long(const char *path, int base, long *out);
int util_attr_readat_long(int dfd, const char *name, int base, long *out);

/* Resolves a symlink and returns its last path component ("../../../0000:00:02.0" -> "0000:00:02.0",
 * trailing slashes ignored).  0 or -errno (buf "" then). */
int util_link_basename(const char *path, char *buf, size_t n);
int util_link_basenameat(int dfd, const char *name, char *buf, size_t n);

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
	bool nofollow;      /* refuse (-ELOOP) when the file to replace is a symbolic link */
	/* Called after the new content is complete under its temporary name, immediately before
	 * rename(): a negative return (message in e) abandons the write.  pveconf/commit.c re-checks
	 * the digest of the file being replaced here.  NULL: none. */
	int (*precommit)(void *arg, struct util_err *e);
	void *precommit_arg;
	/* Called at each step (tests only); NULL in production. */
	void (*step)(enum util_write_step step, void *arg);
	void *step_arg;
};

/* Our temporary files: "<name>.pp-tmp.<pid>.<16 random hex digits>" next to the file they
 * replace. */
#define UTIL_TMP_TAG ".pp-tmp."

/* Replaces path with data, atomically: the new content is written to an unnamed O_TMPFILE in the
 * same directory where the file system allows it (else straight to a uniquely named temporary
 * file, O_EXCL), with the old file's mode and ownership, fsynced, given its temporary name, passed
 * to opts->precommit, then rename()d over path.  Before that, stale temporary files of ours in the
 * directory (their writer's pid no longer runs) are removed.  On any failure the temporary file
 * is removed and the old file is untouched.  0 or -errno, message in e. */
int util_file_write_atomic(const char *path, const void *data, size_t len,
                           const struct util_write_opts *opts, struct util_err *e);
/* The same for name in the directory dfd (the journal writes under a verified directory fd);
 * shown names the file in messages. */
int util_file_write_atomicat(int dfd, const char *name, const char *shown, const void *data,
                             size_t len, const struct util_write_opts *opts, struct util_err *e);

/* True when entry is one of our temporary file names; base receives the name it was replacing
 * and pid its writer. */
bool util_tmp_name_parse(const char *entry, char *base, size_t n, long *pid);
/* The stale temporary files of ours in the directory dfd (writer gone): a malloc'd array of
 * malloc'd names.  0 or -errno. */
int util_tmp_stale(int dfd, char ***names, size_t *n);
/* Removes them; the number removed. */
size_t util_tmp_clean(int dfd);
struct util_paths;
/* The stale temporary files of ours in the host directory host_dir (under p's root), appended
 * to *shown (malloc'd array, *n entries) as "host_dir/name", the way findings name them.  A
 * directory that does not exist or cannot be read adds nothing.  The one detection doctor and
 * audit (rule temp-file-left) share.  0 or -ENOMEM. */
int util_tmp_stale_under(const struct util_paths *p, const char *host_dir, char ***shown,
                         size_t *n);
/* Frees such an array. */
void util_strv_free(char **v, size_t n);

#endif
