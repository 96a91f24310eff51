/* pveconf/cfslock.c - pmxcfs lock directories as PVE's cfs_lock_file takes them (mkdir, utime as
 * unlock request, retry until the timeout, rmdir).  See cfslock.h. */
#include "pveconf/cfslock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "util/fileio.h"
#include "util/i18n.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int pveconf_cfs_lock_file(const struct util_paths *p, const char *file, int timeout_ms,
                          struct pveconf_cfs_lock *l, struct util_err *e)
{
	char dir[PP_PATH_MAX];
	long start = now_ms();
	size_t k;

	memset(l, 0, sizeof(*l));
	if (snprintf(l->id, sizeof(l->id), "file-%s", file) >= (int)sizeof(l->id))
		return util_err_set(e, -ENAMETOOLONG, _("lock id for %s too long"), file);
	for (k = 5; l->id[k]; k++)
		if (l->id[k] == '.' || l->id[k] == '/')
			l->id[k] = '_';
	if (util_path(p, dir, sizeof(dir), PP_ETC_PVE_PRIV_LOCK) < 0 ||
	    util_path(p, l->path, sizeof(l->path), PP_ETC_PVE_PRIV_LOCK "/%s", l->id) < 0) {
		l->path[0] = '\0';
		return util_err_set(e, -ENAMETOOLONG, _("path too long"));
	}
	/* PVE: mkdir $lockdir; die "pve cluster filesystem not online" unless -d */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		int err = errno;

		l->path[0] = '\0';
		if (err == ENOENT)
			return util_err_set(
			        e, -ENOENT,
			        _("cfs-lock '%s' error: pve cluster filesystem not online "
			          "(%s is missing: is pmxcfs mounted on /etc/pve?)"),
			        l->id, util_path_display(p, dir));
		return util_err_set(e, -err, _("cfs-lock '%s' error: cannot create %s: %s"), l->id,
		                    util_path_display(p, dir), strerror(err));
	}
	if (!util_is_dir(dir)) {
		l->path[0] = '\0';
		return util_err_set(e, -ENOTDIR,
		                    _("cfs-lock '%s' error: pve cluster filesystem not online"),
		                    l->id);
	}
	for (;;) {
		long waited, left, nap;

		if (mkdir(l->path, 0755) == 0)
			return 0;
		if (errno != EEXIST) {
			int err = errno;
			const char *d = util_path_display(p, l->path);

			l->path[0] = '\0';
			if (err == EACCES || err == EPERM)
				return util_err_set(e, -err,
				                    _("cfs-lock '%s' error: no quorum! (%s: %s)"),
				                    l->id, d, strerror(err));
			return util_err_set(e, -err, _("cfs-lock '%s' error: %s: %s"), l->id, d,
			                    strerror(err));
		}
		/* PVE: utime(0, 0, $filename) = ask pmxcfs to drop an expired lock */
		utime(l->path, &(struct utimbuf){0, 0});
		waited = now_ms() - start;
		if (waited >= timeout_ms) {
			l->path[0] = '\0';
			return util_err_set(
			        e, -ETIMEDOUT,
			        _("cfs-lock '%s' error: got lock request timeout (held by "
			          "another writer of /etc/pve/%s for %d s)"),
			        l->id, file, timeout_ms / 1000);
		}
		left = timeout_ms - waited;
		nap = left / 1000 < 10 ? (left / 1000 + 1) * 100 : 1000;
		sleep_ms(nap < left ? nap : left);
	}
}

void pveconf_cfs_unlock(struct pveconf_cfs_lock *l)
{
	if (l->path[0])
		rmdir(l->path);
	l->path[0] = '\0';
}
