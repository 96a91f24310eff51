/* assign/run.c - assign/release end to end: node-wide allocation lock, gather (host snapshot, every
 * VM config of the node, mappings, who runs), plan, and the write through the per-VM lock with the
 * digest re-checked.  The only file of assign/ that does I/O.  Must not print. */
#include "assign/assign.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign/gather.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/lock.h"

static int commit(const struct util_paths *p, const struct assign_gather *g,
                  const struct assign_plan *plan, int timeout_ms, struct util_err *e)
{
	char lockpath[PP_PATH_MAX];
	char *now = NULL;
	size_t len = 0;
	char digest[UTIL_SHA1_HEX_LEN + 1];
	int fd, r;

	r = util_path(p, lockpath, sizeof(lockpath), PP_VAR_LOCK_QEMU "/lock-%u.conf", plan->vmid);
	if (r < 0)
		return util_err_set(e, r, "lock path too long");
	fd = util_lock_acquire(lockpath, timeout_ms, e);
	if (fd < 0) {
		if (fd == -ETIMEDOUT)
			util_err_set(e, fd,
			             "could not lock VM %u's config within %d s (%s): another task "
			             "(qm, a backup, the GUI) holds it; retry when it has finished",
			             plan->vmid, timeout_ms / 1000, util_path_display(p, lockpath));
		return fd;
	}
	/* re-read under the lock: someone may have changed the file since we planned */
	r = util_file_read(g->config_path, PVECONF_VM_MAX_BYTES, &now, &len, e);
	if (r == 0) {
		r = util_sha1_hex(now, len, digest);
		if (r == 0 && strcmp(digest, plan->digest) != 0)
			r = util_err_set(
			        e, -ESTALE,
			        "%s changed meanwhile (digest %.12s, planned against %.12s): "
			        "nothing written; run the command again",
			        util_path_display(p, g->config_path), digest, plan->digest);
	}
	free(now);
	if (r == 0)
		r = util_file_write_atomic(g->config_path, plan->after, plan->after_len, NULL, e);
	util_lock_release(fd);
	return r;
}

int assign_run(const struct util_paths *p, const struct assign_run_opts *o,
               const struct assign_request *req, struct assign_plan *plan, struct util_err *e)
{
	struct assign_gather g;
	char lockpath[PP_PATH_MAX];
	int fd = -1, r;

	memset(plan, 0, sizeof(*plan));
	/* From choosing to writing, no other assign on this node may choose: two `--vf auto` at
	 * once must never pick the same VF.  A dry run changes nothing and takes no lock (it must
	 * work on a read-only copy of a host). */
	if (!o->dry_run) {
		r = util_path(p, lockpath, sizeof(lockpath), PP_RUN_LOCK "/assign.lock");
		if (r < 0)
			return util_err_set(e, r, "lock path too long");
		fd = util_lock_acquire(lockpath, o->lock_timeout_ms, e);
		if (fd < 0) {
			if (fd == -ETIMEDOUT)
				util_err_set(
				        e, fd,
				        "could not get the node's allocation lock %s within %d s: "
				        "another assign or release is running; retry when it has "
				        "finished",
				        util_path_display(p, lockpath), o->lock_timeout_ms / 1000);
			return fd;
		}
	}
	r = assign_gather_read(p, o->node, req, &g, e);
	if (r == 0) {
		r = assign_plan_make(&g.input, req, plan, e);
		if (r == 0 && plan->outcome == ASSIGN_OUTCOME_CHANGE && !o->dry_run)
			r = commit(p, &g, plan, o->lock_timeout_ms, e);
		assign_gather_free(&g);
	}
	util_lock_release(fd);
	return r;
}
