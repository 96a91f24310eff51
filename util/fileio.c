/* util/fileio.c - whole-file reads, attribute reads and atomic writes.
 * Knows nothing of which files it handles; never prints. */
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int util_file_read(const char *path, size_t max, char **data, size_t *len, struct util_err *e)
{
	int fd, r = 0;
	size_t cap = 4096, n = 0;
	char *buf;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return util_err_errno(e, -errno, "cannot read %s", path);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return util_err_set(e, -ENOMEM, "out of memory reading %s", path);
	}
	for (;;) {
		ssize_t got;

		if (cap - n < 2) {
			char *nb;

			if (cap > max + 2) {
				r = util_err_set(e, -EFBIG, "%s: larger than %zu bytes", path, max);
				break;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				r = util_err_set(e, -ENOMEM, "out of memory reading %s", path);
				break;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			r = util_err_errno(e, -errno, "cannot read %s", path);
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			r = util_err_set(e, -EFBIG, "%s: larger than %zu bytes", path, max);
			break;
		}
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int util_attr_readat(int dfd, const char *name, char *buf, size_t n)
{
	int fd;
	ssize_t got;

	if (n == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		got = read(fd, buf, n - 1);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' ' || buf[got - 1] == '\t' ||
	                   buf[got - 1] == '\r'))
		got--;
	buf[got] = '\0';
	return 0;
}

int util_attr_read(const char *path, char *buf, size_t n)
{
	return util_attr_readat(AT_FDCWD, path, buf, n);
}

int util_attr_read_long(const char *path, int base, long *out)
{
	char buf[64], *end;
	long v;
	int r = util_attr_read(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	v = strtol(buf, &end, base);
	if (errno || end == buf || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int util_link_basename(const char *path, char *buf, size_t n)
{
	char target[PATH_MAX];
	ssize_t got = readlink(path, target, sizeof(target) - 1);
	const char *slash;

	if (got < 0)
		return -errno;
	target[got] = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) >= n)
		return -ENAMETOOLONG;
	strcpy(buf, slash);
	return 0;
}

bool util_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool util_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int util_mkdir_p(const char *path, struct util_err *e)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return util_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return util_err_errno(e, -errno, "cannot create directory %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return util_err_errno(e, -errno, "cannot create directory %s", tmp);
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int util_file_write_atomic(const char *path, const void *data, size_t len,
                           const struct util_write_opts *opts, struct util_err *e)
{
	char tmp[PATH_MAX];
	struct stat st;
	bool had_old;
	mode_t mode;
	int fd, r;
	size_t half = len / 2;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return util_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	had_old = stat(path, &st) == 0;
	mode = had_old ? (st.st_mode & 07777)
	               : (opts && opts->mode_if_new ? opts->mode_if_new : 0644);

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return util_err_errno(e, -errno, "cannot create %s", tmp);
	if (opts && opts->step)
		opts->step(UTIL_WRITE_STEP_TMP_CREATED, opts->step_arg);
	/* keep mode and ownership of the file we replace (umask must not narrow it) */
	if (fchmod(fd, mode) < 0) {
		r = util_err_errno(e, -errno, "cannot set mode of %s", tmp);
		goto fail;
	}
	if (had_old && fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM) {
		r = util_err_errno(e, -errno, "cannot set owner of %s", tmp);
		goto fail;
	}
	r = write_all(fd, data, half);
	if (r == 0 && opts && opts->step)
		opts->step(UTIL_WRITE_STEP_TMP_HALF, opts->step_arg);
	if (r == 0)
		r = write_all(fd, (const char *)data + half, len - half);
	if (r < 0) {
		util_err_errno(e, r, "cannot write %s", tmp);
		goto fail;
	}
	/* EINVAL: file systems without fsync (pmxcfs accepts it; some FUSE/tmpfs variants do not) */
	if (fsync(fd) < 0 && errno != EINVAL) {
		r = util_err_errno(e, -errno, "cannot sync %s", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = util_err_errno(e, -errno, "cannot close %s", tmp);
		goto fail;
	}
	fd = -1;
	if (opts && opts->step)
		opts->step(UTIL_WRITE_STEP_TMP_WRITTEN, opts->step_arg);
	if (rename(tmp, path) < 0) {
		r = util_err_errno(e, -errno, "cannot replace %s", path);
		goto fail;
	}
	if (opts && opts->step)
		opts->step(UTIL_WRITE_STEP_RENAMED, opts->step_arg);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}
