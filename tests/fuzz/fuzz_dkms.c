/* libFuzzer target: `dkms status` output in both grammars (host_dkms_status_parse) and the dkms
 * window table (/etc/pve-passthrough/dkms-windows.tsv, host_dkms_windows_load).  Properties: no
 * crash or leak; every entry has a module name and a state with a name; kernel releases compare
 * antisymmetrically (dpkg order). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/dkms.h"
#include "fuzz_root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct host_dkms_entry *v = NULL;
	struct host_dkms_window *w = NULL;
	struct util_paths p;
	struct util_err e = {0};
	size_t n = 0, skipped = 0, nw = 0;
	char source[256];

	if (host_dkms_status_parse(text, &v, &n, &skipped) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!v[i].module[0] || (unsigned)v[i].state > HOST_DKMS_UNKNOWN)
				abort();
			if (i && v[i].kernel[0] && v[0].kernel[0]) {
				int a = host_kver_cmp(v[i].kernel, v[0].kernel);
				int b = host_kver_cmp(v[0].kernel, v[i].kernel);

				if ((a > 0) != (b < 0) || (a == 0) != (b == 0))
					abort();
			}
		}
		free(v);
	}
	fuzz_root(&p);
	fuzz_put(PP_DKMS_WINDOWS_LOCAL, data, size);
	if (host_dkms_windows_load(&p, &w, &nw, source, sizeof(source), &e) == 0) {
		for (size_t i = 0; i < nw; i++)
			host_dkms_window_fits(&w[i], "6.8.12-4-pve");
		free(w);
	} else if (!e.msg[0]) {
		abort();
	}
	free(text);
	return 0;
}
