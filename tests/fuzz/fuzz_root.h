/* tests/fuzz/fuzz_root.h - for targets whose parser reads host files under --root: one private
 * temporary root per fuzzing process, and the input written to a file in it before each run. */
#ifndef PP_FUZZ_ROOT_H
#define PP_FUZZ_ROOT_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/paths.h"

static char fuzz_root_dir[64];

static int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void fuzz_root_remove(void)
{
	nftw(fuzz_root_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The process's root: created once, removed when the fuzzer exits normally (a crash keeps it). */
static const char *fuzz_root(struct util_paths *p)
{
	char *dir = fuzz_root_dir;

	if (!dir[0]) {
		snprintf(fuzz_root_dir, sizeof(fuzz_root_dir), "/tmp/pp-fuzz-root-XXXXXX");
		if (!mkdtemp(fuzz_root_dir))
			abort();
		atexit(fuzz_root_remove);
	}
	if (p && util_paths_init(p, dir) < 0)
		abort();
	return dir;
}

/* Writes data to the host path rel (e.g. "/etc/modules") under the root, parents created. */
static void fuzz_put(const char *rel, const void *data, size_t n)
{
	char path[PP_PATH_MAX], dir[PP_PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s%s", fuzz_root(NULL), rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (util_mkdir_p(dir, NULL) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (n && write(fd, data, n) != (ssize_t)n))
		abort();
	close(fd);
}

/* Removes the host path rel under the root (a file). */
static void fuzz_del(const char *rel)
{
	char path[PP_PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", fuzz_root(NULL), rel);
	unlink(path);
}

/* The input as a NUL-terminated malloc'd string (NUL bytes inside kept). */
static char *fuzz_str(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

#endif
