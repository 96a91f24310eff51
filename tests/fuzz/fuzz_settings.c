/* libFuzzer target: the tool's own config file /etc/pve-passthrough.conf (libconfuse): the whole
 * file with the rule registry's names (settings_load: guard, rule, timeout, the api and cluster
 * blocks), the guard's strict early read (settings_guard_load), the deadline alone
 * (settings_timeout_load) and the API blocks alone (settings_api_load).  Properties: no crash or
 * leak; a refused file names the file; when the whole file is read, the guard's early read
 * agrees with it (a broken file never weakens the guard: the early read may only be stricter). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/settings.h"
#include "fuzz_root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = {"pf-with-vfs", "device-shared", "guard-missing",
	                                    "pcie-needs-q35", NULL};
	char path[PP_PATH_MAX];
	struct settings all, guard;
	struct settings_api_list api;
	struct util_err e = {0}, eg = {0};
	unsigned secs;
	int ra, rg;

	snprintf(path, sizeof(path), "%s%s", fuzz_root(NULL), PP_ETC_TOOL_CONF);
	fuzz_put(PP_ETC_TOOL_CONF, data, size);
	ra = settings_load(path, true, known, &all, &e);
	if (ra < 0 && !strstr(e.msg, path))
		abort();
	rg = settings_guard_load(path, true, &guard, &eg);
	if (ra == 0 && rg == 0 &&
	    (all.guard_on_error != guard.guard_on_error ||
	     all.guard_timeout != guard.guard_timeout)) {
		fprintf(stderr,
		        "whole file: on-internal-error %d timeout %u; guard's read: %d %u\n",
		        all.guard_on_error, all.guard_timeout, guard.guard_on_error,
		        guard.guard_timeout);
		abort();
	}
	settings_free(&all);
	settings_free(&guard);
	settings_timeout_load(path, &secs);
	if (secs > SETTINGS_TIMEOUT_MAX)
		abort();
	memset(&e, 0, sizeof(e));
	if (settings_api_load(path, &api, &e) == 0)
		settings_api_list_free(&api);
	return 0;
}
