/* assign/run.c - assign/release end to end: node-wide allocation lock, gather (host snapshot, every
 * VM config of the node, mappings, who runs), plan, and the write through the per-VM lock with the
 * digest re-checked.  The only file of assign/ that does I/O.  Must not print. */
#include "assign/assign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/commit.h"
#include "util/fileio.h"
#include "util/lock.h"

/* --romfile names a file under /usr/share/kvm (or an absolute path) of this host. */
static bool romfile_exists(const struct util_paths *p, const struct assign_request *req)
{
	char rom[PP_PATH_MAX];

	if (!req->romfile[0])
		return false;
	return (req->romfile[0] == '/' ? util_path(p, rom, sizeof(rom), "%s", req->romfile)
	                               : util_path(p, rom, sizeof(rom), PP_USR_SHARE_KVM "/%s",
	                                           req->romfile)) == 0 &&
	       util_exists(rom) && !util_is_dir(rom);
}

int assign_run(const struct util_paths *p, const struct assign_run_opts *o,
               const struct assign_request *req, struct assign_plan *plan, struct util_err *e)
{
	struct pveconf_commit_opts copts = {o->lock_timeout_ms, false, NULL};
	struct gather_opts go = {.paths = p,
	                         .node = o->node,
	                         .flags = GATHER_PARAMS | GATHER_KEEP_CONFS,
	                         .vmid = req->vmid};
	struct gather_node g;
	struct assign_input_store st = {0};
	struct assign_input in;
	char lockpath[PP_PATH_MAX], config_path[PP_PATH_MAX], display_path[PP_PATH_MAX];
	int fd = -1, r;

	memset(plan, 0, sizeof(*plan));
	/* From choosing to writing, no other assign on this node may choose: two `--vf auto` at
	 * once must never pick the same VF.  A dry run changes nothing and takes no lock (it must
	 * work on a read-only copy of a host). */
	if (!o->dry_run) {
		r = util_path(p, lockpath, sizeof(lockpath), PP_RUN_LOCK "/assign.lock");
		if (r < 0)
			return util_err_set(e, r, _("lock path too long"));
		fd = util_lock_acquire(lockpath, o->lock_timeout_ms, e);
		if (fd < 0) {
			if (fd == -ETIMEDOUT)
				util_err_set(
				        e, fd,
				        _("could not get the node's allocation lock %s within %d s: "
				          "another assign or release is running; retry when it has "
				          "finished"),
				        util_path_display(p, lockpath), o->lock_timeout_ms / 1000);
			return fd;
		}
	}
	memset(&g, 0, sizeof(g));
	r = gather_local(&go, &g, e);
	if (r == 0)
		r = assign_input_from_gather(&g, o->node, &in, &st, e);
	if (r == 0 &&
	    pveconf_vm_conf_path(p, o->node, req->vmid, config_path, sizeof(config_path)) < 0)
		r = util_err_set(e, -ENAMETOOLONG, _("path too long"));
	if (r == 0) {
		snprintf(display_path, sizeof(display_path), "%s",
		         util_path_display(p, config_path));
		in.config_path = display_path;
		in.romfile_exists = romfile_exists(p, req);
		in.severity = o->severity;
		r = assign_plan_make(&in, req, plan, e);
		if (r == 0 && o->after_plan)
			o->after_plan(o->after_plan_arg);
		if (r == 0 && plan->outcome == ASSIGN_OUTCOME_CHANGE && !o->dry_run)
			r = pveconf_vm_commit(p, o->node, plan->vmid, plan->digest, plan->after,
			                      plan->after_len, &copts, e);
	}
	assign_input_store_free(&st);
	/* gathering's warnings go to the caller: an input it could not read is never silent */
	plan->warnings = g.warnings;
	plan->n_warnings = g.n_warnings;
	g.warnings = NULL;
	g.n_warnings = 0;
	gather_free(&g);
	util_lock_release(fd);
	return r;
}
