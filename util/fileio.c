/* util/fileio.c - whole-file reads, attribute reads and atomic writes.
 * Knows nothing of which files it handles; never prints. */
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/paths.h"
#include "util/i18n.h"

/* The error for a path that is not a regular file: one whole sentence per kind of file, so that
 * a translator sees each one.  Returns code. */
static int not_regular(struct util_err *e, int code, mode_t m, const char *shown)
{
	if (S_ISDIR(m))
		return util_err_set(
		        e, code, _("%s is a directory, not a regular file: remove or replace it"),
		        shown);
	if (S_ISFIFO(m))
		return util_err_set(e, code,
		                    _("%s is a FIFO, not a regular file: remove or replace it"),
		                    shown);
	if (S_ISCHR(m))
		return util_err_set(
		        e, code,
		        _("%s is a character device, not a regular file: remove or replace it"),
		        shown);
	if (S_ISBLK(m))
		return util_err_set(
		        e, code,
		        _("%s is a block device, not a regular file: remove or replace it"), shown);
	if (S_ISSOCK(m))
		return util_err_set(e, code,
		                    _("%s is a socket, not a regular file: remove or replace it"),
		                    shown);
	if (S_ISLNK(m))
		return util_err_set(
		        e, code,
		        _("%s is a symbolic link, not a regular file: remove or replace it"),
		        shown);
	return util_err_set(e, code, _("%s is not a regular file: remove or replace it"), shown);
}

int util_open_regular(int dfd, const char *name, int flags, const char *shown, struct util_err *e)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below) */
	fd = openat(dfd, name, flags | O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP && (flags & O_NOFOLLOW))
			return util_err_set(
			        e, -ELOOP,
			        _("%s is a symbolic link; refusing to follow it (remove it)"),
			        shown);
		return util_err_errno(e, -errno, _("cannot read %s"), shown);
	}
	if (fstat(fd, &st) < 0) {
		int r = util_err_errno(e, -errno, _("cannot read %s"), shown);

		close(fd);
		return r;
	}
	/* /dev/null reads as an empty file and never blocks ("lint /dev/null", "--config /dev/null") */
	if (!S_ISREG(st.st_mode) &&
	    !(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)) {
		close(fd);
		return not_regular(e, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, st.st_mode, shown);
	}
	return fd;
}

int util_file_read(const char *path, size_t max, char **data, size_t *len, struct util_err *e)
{
	return util_file_readat(AT_FDCWD, path, 0, path, max, data, len, e);
}

static int readat_st(int dfd, const char *name, int flags, const char *shown, size_t max,
                     char **data, size_t *len, struct stat *st, struct util_err *e);

int util_file_readat(int dfd, const char *name, int flags, const char *shown, size_t max,
                     char **data, size_t *len, struct util_err *e)
{
	return readat_st(dfd, name, flags, shown, max, data, len, NULL, e);
}

int util_file_read_st(const char *path, const char *shown, size_t max, char **data, size_t *len,
                      struct stat *st, struct util_err *e)
{
	return readat_st(AT_FDCWD, path, 0, shown, max, data, len, st, e);
}

static int readat_st(int dfd, const char *name, int flags, const char *shown, size_t max,
                     char **data, size_t *len, struct stat *st, struct util_err *e)
{
	int fd, r = 0;
	size_t cap = 4096, n = 0;
	char *buf;
	const char *path = shown;

	*data = NULL;
	*len = 0;
	fd = util_open_regular(dfd, name, flags, shown, e);
	if (fd < 0)
		return fd;
	if (st && fstat(fd, st) < 0) {
		r = util_err_errno(e, -errno, _("cannot read %s"), path);
		close(fd);
		return r;
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return util_err_set(e, -ENOMEM, _("out of memory reading %s"), path);
	}
	for (;;) {
		ssize_t got;

		if (cap - n < 2) {
			char *nb;

			if (cap > max + 2) {
				r = util_err_set(e, -EFBIG, _("%s: larger than %zu bytes"), path,
				                 max);
				break;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				r = util_err_set(e, -ENOMEM, _("out of memory reading %s"), path);
				break;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			r = util_err_errno(e, -errno, _("cannot read %s"), path);
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			r = util_err_set(e, -EFBIG, _("%s: larger than %zu bytes"), path, max);
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
	fd = util_open_regular(dfd, name, 0, name, NULL);
	if (fd < 0)
		return fd;
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

int util_attr_readat_long(int dfd, const char *name, int base, long *out)
{
	char buf[64], *end;
	long v;
	int r = util_attr_readat(dfd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	v = strtol(buf, &end, base);
	if (errno || end == buf || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int util_attr_read_long(const char *path, int base, long *out)
{
	return util_attr_readat_long(AT_FDCWD, path, base, out);
}

int util_link_basenameat(int dfd, const char *name, char *buf, size_t n)
{
	char target[PATH_MAX];
	ssize_t got = readlinkat(dfd, name, target, sizeof(target) - 1);
	const char *slash;

	buf[0] = '\0';
	if (got < 0)
		return -errno;
	target[got] = '\0';
	while (got > 1 && target[got - 1] == '/')
		target[--got] = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) >= n)
		return -ENAMETOOLONG;
	strcpy(buf, slash);
	return 0;
}

int util_link_basename(const char *path, char *buf, size_t n)
{
	return util_link_basenameat(AT_FDCWD, path, buf, n);
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
		return util_err_set(e, -ENAMETOOLONG, _("%s: path too long"), path);
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return util_err_errno(e, -errno, _("cannot create directory %s"), tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return util_err_errno(e, -errno, _("cannot create directory %s"), tmp);
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

/* ------------------------------------------------------------------ temp files
 * Ours are named "<name>.pp-tmp.<pid>.<16 hex digits>": unique (random), and recognisable so a
 * later run can remove the ones a killed writer left (its pid no longer runs). */

bool util_tmp_name_parse(const char *entry, char *base, size_t n, long *pid)
{
	const char *tag = strstr(entry, UTIL_TMP_TAG), *p, *dot;
	char *end;
	long v;

	if (!tag || tag == entry)
		return false;
	p = tag + strlen(UTIL_TMP_TAG);
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p || *end != '.' || v <= 0)
		return false;
	dot = end + 1;
	if (strlen(dot) != 16 || strspn(dot, "0123456789abcdef") != 16)
		return false;
	if (base) {
		size_t bl = (size_t)(tag - entry);

		if (bl >= n)
			return false;
		memcpy(base, entry, bl);
		base[bl] = '\0';
	}
	if (pid)
		*pid = v;
	return true;
}

static bool pid_gone(long pid)
{
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

int util_tmp_stale(int dfd, char ***names, size_t *n)
{
	int d2 = dup(dfd);
	DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
	struct dirent *de;
	char **v = NULL;
	size_t k = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		int r = -errno;

		if (d2 >= 0)
			close(d2);
		return r;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		long pid;
		char **nv;

		if (!util_tmp_name_parse(de->d_name, NULL, 0, &pid) || !pid_gone(pid))
			continue;
		nv = realloc(v, (k + 1) * sizeof(*nv));
		if (!nv || !(nv[k] = strdup(de->d_name))) {
			free(nv ? nv : v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		k++;
	}
	closedir(d);
	*names = v;
	*n = k;
	return 0;
}

size_t util_tmp_clean(int dfd)
{
	char **names;
	size_t n, removed = 0;

	if (util_tmp_stale(dfd, &names, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		removed += unlinkat(dfd, names[i], 0) == 0;
		free(names[i]);
	}
	free(names);
	return removed;
}

int util_tmp_stale_under(const struct util_paths *p, const char *host_dir, char ***shown, size_t *n)
{
	char full[PP_PATH_MAX], **names;
	size_t k;
	int dfd, r = 0;

	if (util_path(p, full, sizeof(full), "%s", host_dir) < 0)
		return 0;
	dfd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (util_tmp_stale(dfd, &names, &k) < 0) {
		close(dfd);
		return 0;
	}
	close(dfd);
	for (size_t i = 0; i < k; i++) {
		char **nv = r == 0 ? realloc(*shown, (*n + 1) * sizeof(*nv)) : NULL;

		if (nv) {
			*shown = nv;
			if (asprintf(&nv[*n], "%s/%s", host_dir, names[i]) >= 0)
				(*n)++;
			else
				r = -ENOMEM;
		} else {
			r = -ENOMEM;
		}
		free(names[i]);
	}
	free(names);
	return r;
}

void util_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int random_hex(char out[17])
{
	unsigned char b[8];
	ssize_t got;

	do
		got = getrandom(b, sizeof(b), 0);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(b))
		return -EIO;
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static int tmp_name(const char *base, char *buf, size_t n)
{
	char hex[17];
	int r = random_hex(hex);

	if (r < 0)
		return r;
	if (snprintf(buf, n, "%s" UTIL_TMP_TAG "%ld.%s", base, (long)getpid(), hex) >= (int)n)
		return -ENAMETOOLONG;
	return 0;
}

/* Opens the directory of path; *base points at the last component inside path. */
static int open_parent(const char *path, const char **base, struct util_err *e)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	if (!slash) {
		*base = path;
		snprintf(dir, sizeof(dir), ".");
	} else {
		size_t l = slash == path ? 1 : (size_t)(slash - path);

		if (l >= sizeof(dir))
			return util_err_set(e, -ENAMETOOLONG, _("%s: path too long"), path);
		memcpy(dir, path, l);
		dir[l] = '\0';
		*base = slash + 1;
	}
	if (!**base)
		return util_err_set(e, -EINVAL, _("%s: not a file name"), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return util_err_errno(e, -errno, _("cannot open the directory %s"), dir);
	return fd;
}

int util_file_write_atomic(const char *path, const void *data, size_t len,
                           const struct util_write_opts *opts, struct util_err *e)
{
	const char *base;
	int dfd = open_parent(path, &base, e), r;

	if (dfd < 0)
		return dfd;
	r = util_file_write_atomicat(dfd, base, path, data, len, opts, e);
	close(dfd);
	return r;
}

static void step(const struct util_write_opts *opts, enum util_write_step s)
{
	if (opts && opts->step)
		opts->step(s, opts->step_arg);
}

int util_file_write_atomicat(int dfd, const char *name, const char *shown, const void *data,
                             size_t len, const struct util_write_opts *opts, struct util_err *e)
{
	char tmp[NAME_MAX + 1] = "", fdpath[64];
	struct stat st;
	bool had_old, named = false;
	mode_t mode;
	int fd, r;
	size_t half = len / 2;

	/* the leftovers of writers killed earlier (their pid is gone) */
	util_tmp_clean(dfd);
	had_old = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (had_old && S_ISLNK(st.st_mode) && opts && opts->nofollow)
		return util_err_set(e, -ELOOP, _("%s is a symbolic link; refusing to replace it"),
		                    shown);
	if (had_old && !S_ISREG(st.st_mode))
		had_old = fstatat(dfd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
	mode = had_old ? (st.st_mode & 07777)
	               : (opts && opts->mode_if_new ? opts->mode_if_new : 0644);
	r = tmp_name(name, tmp, sizeof(tmp));
	if (r < 0)
		return util_err_set(e, r, _("%s: cannot make a temporary name (%s)"), shown,
		                    r == -ENAMETOOLONG ? _("name too long") : _("no random bytes"));

	/* unnamed until complete where the file system allows it (a kill leaves nothing) */
	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0) {
		named = true;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	}
	if (fd < 0)
		return util_err_errno(e, -errno, _("cannot create a temporary file next to %s"),
		                      shown);
	step(opts, UTIL_WRITE_STEP_TMP_CREATED);
	/* keep mode and ownership of the file we replace (umask must not narrow it) */
	if (fchmod(fd, mode) < 0) {
		r = util_err_errno(e, -errno, _("cannot set the mode of the new %s"), shown);
		goto fail;
	}
	if (had_old && fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM) {
		r = util_err_errno(e, -errno, _("cannot set the owner of the new %s"), shown);
		goto fail;
	}
	r = write_all(fd, data, half);
	if (r == 0)
		step(opts, UTIL_WRITE_STEP_TMP_HALF);
	if (r == 0)
		r = write_all(fd, (const char *)data + half, len - half);
	if (r < 0) {
		util_err_errno(e, r, _("cannot write the new %s"), shown);
		goto fail;
	}
	/* EINVAL: file systems without fsync (pmxcfs accepts it; some FUSE/tmpfs variants do not) */
	if (fsync(fd) < 0 && errno != EINVAL) {
		r = util_err_errno(e, -errno, _("cannot sync the new %s"), shown);
		goto fail;
	}
	if (!named) {
		/* give it its temporary name: AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, /proc not */
		if (linkat(fd, "", dfd, tmp, AT_EMPTY_PATH) < 0) {
			snprintf(fdpath, sizeof(fdpath), PP_PROC_SELF_FD "/%d", fd);
			if (linkat(AT_FDCWD, fdpath, dfd, tmp, AT_SYMLINK_FOLLOW) < 0) {
				r = util_err_errno(e, -errno, _("cannot name the new %s"), shown);
				goto fail;
			}
		}
		named = true;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = util_err_errno(e, -errno, _("cannot close the new %s"), shown);
		goto fail;
	}
	fd = -1;
	step(opts, UTIL_WRITE_STEP_TMP_WRITTEN);
	/* the caller's last look at the file being replaced (a digest re-check) */
	if (opts && opts->precommit && (r = opts->precommit(opts->precommit_arg, e)) < 0)
		goto fail;
	if (renameat(dfd, tmp, dfd, name) < 0) {
		r = util_err_errno(e, -errno, _("cannot replace %s"), shown);
		goto fail;
	}
	step(opts, UTIL_WRITE_STEP_RENAMED);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (named)
		unlinkat(dfd, tmp, 0);
	return r;
}
