/* host/diff.c - the plan of `host setup`/`rollback` shown as unified diffs, one per file
 * (util/diff.c makes each), symlinks and directories as one sentence.  Pure string work, no I/O. */
#include <stdio.h>

#include "host/setup.h"
#include "util/diff.h"
#include "util/i18n.h"

int host_plan_diff(const struct host_plan *plan, struct util_buf *out)
{
	int r = 0;

	for (size_t i = 0; i < plan->n_changes && r == 0; i++) {
		const struct host_change *c = &plan->changes[i];
		char a[PP_PATH_MAX + 8], b[PP_PATH_MAX + 8];

		snprintf(a, sizeof(a), "%s%s", c->existed ? "a" : "",
		         c->existed ? c->path : "/dev/null");
		snprintf(b, sizeof(b), "%s%s", c->remove ? "" : "b",
		         c->remove ? "/dev/null" : c->path);
		if (c->is_dir) {
			r = util_buf_addf(out, _("remove empty directory %s\n"), c->path);
			continue;
		}
		if (c->is_link) {
			r = util_buf_addf(out,
			                  c->remove ? _("remove symlink %s -> %s\n")
			                            : _("create symlink %s -> %s\n"),
			                  c->path, c->target);
			continue;
		}
		r = util_diff_unified(a, c->old_data, c->existed ? c->old_len : 0, b, c->new_data,
		                      c->remove ? 0 : c->new_len, UTIL_DIFF_FULL_RANGES, out);
	}
	return r;
}
