/* libFuzzer target: modprobe.d, /etc/modules and modules-load.d (host_modconf_scan, every setup
 * mode) and the other places that set sriov_numvfs at boot (/etc/sysfs.conf, sysfs.d,
 * tmpfiles.d, rc.local: host_vf_mechanisms_scan).  Properties: no crash or leak; every conflict
 * names a rule, a file and a line of the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/probe.h"
#include "fuzz_root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(struct host_conflict *c, size_t n, unsigned lines)
{
	for (size_t i = 0; i < n; i++)
		if (!c[i].rule[0] || !c[i].file[0] || c[i].line < 1 || (unsigned)c[i].line > lines)
			abort();
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum host_mode modes[] = {HOST_MODE_SRIOV_I915, HOST_MODE_SRIOV_XE,
	                                       HOST_MODE_GVTG, HOST_MODE_SRIOV_GENERIC};
	static const char *const files[] = {
	        PP_ETC_MODPROBE_D "/fuzz.conf",
	        PP_ETC_MODULES,
	        PP_ETC_MODULES_LOAD_D "/fuzz.conf",
	        PP_ETC_SYSFS_CONF,
	        PP_ETC_SYSFS_D "/fuzz.conf",
	        PP_ETC_TMPFILES_D "/fuzz.conf",
	        PP_ETC_RC_LOCAL,
	};
	struct util_paths p;
	struct util_err e = {0};
	struct host_conflict *c;
	unsigned lines = 1;
	size_t n;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	fuzz_root(&p);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fuzz_put(files[i], data, size);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		c = NULL;
		n = 0;
		if (host_modconf_scan(&p, modes[m], m & 1 ? 0xa7a0 : 0, &c, &n, &e) == 0)
			check(c, n, lines);
		else
			free(c);
	}
	c = NULL;
	n = 0;
	if (host_vf_mechanisms_scan(&p, &c, &n, &e) == 0)
		check(c, n, lines);
	else
		free(c);
	return 0;
}
