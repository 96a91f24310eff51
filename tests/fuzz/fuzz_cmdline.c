/* libFuzzer target: kernel command lines as the tool reads them - /proc/cmdline (bootloader
 * detection), /etc/default/grub and a grub.d drop-in (GRUB_CMDLINE_LINUX[_DEFAULT] with $VAR
 * expansion), /etc/kernel/cmdline - and the token work on them: split, validate, merge what each
 * setup mode wants, undo.  Properties: no crash or leak; merging without consent and undoing it
 * gives the original tokens back (tokens up to 255 bytes, what an edit records); removing the tokens a merge added from a grub text never
 * leaves more than it had. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cmdline.h"
#include "host/probe.h"
#include "host/setup.h"
#include "fuzz_root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tokens_roundtrip(const char *line)
{
	static const enum host_mode modes[] = {HOST_MODE_SRIOV_I915, HOST_MODE_SRIOV_XE,
	                                       HOST_MODE_GVTG, HOST_MODE_SRIOV_GENERIC};
	struct host_tokens t = {0};
	char why[256], *before, *after;
	bool exact = true;

	if (host_tokens_split(line, &t) < 0)
		return;
	for (size_t i = 0; i < t.n; i++) {
		host_token_valid(t.v[i], why, sizeof(why));
		/* an edit records at most 255 bytes of a token (struct host_edit): undoing an
		 * edit of a longer one is not byte-exact, a documented limit */
		if (strlen(t.v[i]) >= sizeof(((struct host_edit *)0)->old_value))
			exact = false;
	}
	before = host_tokens_join(&t);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]) && before; m++) {
		struct host_cmdline_want w;
		struct host_edit *ed = NULL;
		size_t ned = 0;
		struct host_mode_tokens buf;

		host_mode_want(modes[m], 0xa7a0, "intel_iommu=on", &buf, &w);
		if (host_cmdline_merge(&t, &w, false, &ed, &ned) == 0 &&
		    host_cmdline_unmerge(&t, ed, ned) == 0) {
			after = host_tokens_join(&t);
			if (exact && after && strcmp(before, after) != 0) {
				fprintf(stderr, "mode %zu\nbefore: %s\nafter:  %s\n", m, before,
				        after);
				abort();
			}
			free(after);
		}
		free(ed);
	}
	free(before);
	host_tokens_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rm[] = {"intel_iommu=on", "iommu=pt", "i915.enable_guc=3",
	                                 "i915.max_vfs=7", NULL};
	char *text = fuzz_str(data, size), *grub = NULL, *out = NULL;
	struct util_paths p;
	struct host_boot b;
	struct util_err e = {0};
	size_t removed = 0;

	fuzz_root(&p);
	fuzz_put(PP_PROC_CMDLINE, data, size);
	fuzz_put(PP_ETC_DEFAULT_GRUB, data, size);
	fuzz_put(PP_ETC_DEFAULT_GRUB_D "/50-fuzz.cfg", data, size);
	fuzz_put(PP_ETC_KERNEL_CMDLINE, data, size);
	if (host_boot_detect(&p, &b, &e) == 0)
		tokens_roundtrip(b.proc_cmdline);
	if (host_grub_cmdline(&p, NULL, &grub, &e) == 0) {
		tokens_roundtrip(grub);
		free(grub);
	}
	tokens_roundtrip(text);
	if (host_grub_text_remove(text, rm, &out, &removed) == 0) {
		if (strlen(out) > strlen(text))
			abort();
		free(out);
	}
	free(text);
	return 0;
}
