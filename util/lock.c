/* util/lock.c - flock with timeout, as PVE's lock_file does for lock-<vmid>.conf.
 * Never prints. */
#include "util/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/i18n.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int util_lock_acquire(const char *path, int timeout_ms, struct util_err *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	long deadline;
	int fd;

	if (slash && slash != path && (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (!util_is_dir(dir)) {
			int r = util_mkdir_p(dir, e);

			if (r < 0)
				return r;
		}
	}
	/* O_NOFOLLOW: a link planted in place of a lock file must not make root create or lock
	 * another file */
	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (fd < 0 && errno == ELOOP)
		return util_err_set(
		        e, -ELOOP,
		        _("lock file %s is a symbolic link; refusing to follow it (remove it)"),
		        path);
	if (fd < 0)
		return util_err_errno(e, -errno, _("cannot open lock file %s"), path);
	deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		struct timespec pause = {0, 10 * 1000000L};

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int r = util_err_errno(e, -errno, _("cannot lock %s"), path);

			close(fd);
			return r;
		}
		if (now_ms() >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	close(fd);
	return util_err_set(e, -ETIMEDOUT,
	                    _("could not get the lock %s within %d s: another task holds it; retry "
	                      "when it has finished"),
	                    path, timeout_ms / 1000);
}

void util_lock_release(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
