/* Unit tests: host/dkms (`dkms status` in both grammars on the real outputs of
 * shared/corpus/samples/dkms_status_outputs.txt, kernel ordering, the window table file, the dkms
 * tree per installed kernel with the next-boot kernel). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/dkms.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

static void test_status_real_samples(void **state)
{
	char *text;
	size_t len, n, skipped;
	struct host_dkms_entry *d;

	(void)state;
	assert_int_equal(util_file_read(tt_shared("corpus/samples/dkms_status_outputs.txt"),
	                                1 << 20, &text, &len, NULL),
	                 0);
	assert_int_equal(host_dkms_status_parse(text, &d, &n, &skipped), 0);
	/* ten real lines; the grammar notes are comments */
	assert_int_equal(n, 10);
	assert_int_equal(skipped, 0);
	assert_string_equal(d[0].module, "i915-sriov-dkms");
	assert_string_equal(d[0].version, "2026.02.09");
	assert_string_equal(d[0].kernel, "6.17.9-1-pve");
	assert_string_equal(d[0].arch, "x86_64");
	assert_int_equal(d[0].state, HOST_DKMS_INSTALLED);
	assert_string_equal(d[0].extra, "(Original modules exist)");
	assert_string_equal(d[3].extra, "");
	assert_string_equal(d[6].extra, "(original_module exists)");
	assert_string_equal(d[8].module, "i915-sriov");
	assert_string_equal(d[8].version, "dkms");
	assert_string_equal(d[8].kernel, "5.19.11-xm1.0.fc36.x86_64");
	assert_int_equal(d[9].state, HOST_DKMS_ADDED);
	assert_string_equal(d[9].version, "6.5.13-5");
	assert_string_equal(d[9].kernel, "");
	free(d);
	free(text);
}

static void test_status_grammars(void **state)
{
	const char *text =
	        "i915-sriov-dkms, 2025.07.22, 6.8.12-4-pve, x86_64: installed\n"
	        "i915-sriov-dkms, 2025.07.22: added\n"
	        "i915-sriov-dkms/2025.07.22, 6.8.12-8-pve, x86_64: built\n"
	        "i915-sriov-dkms/2025.07.22, 6.8.12-4-pve, x86_64: installed (WARNING! Diff between "
	        "built and installed module!)\n"
	        "i915-sriov-dkms/2025.07.22: broken\n"
	        "i915-sriov-dkms/2025.07.22, 6.8.12-4-pve: installed\n"
	        "Error! Could not locate dkms.conf file.\n"
	        "\n";
	struct host_dkms_entry *d;
	size_t n, skipped;

	(void)state;
	assert_int_equal(host_dkms_status_parse(text, &d, &n, &skipped), 0);
	assert_int_equal(n, 6);
	assert_int_equal(skipped, 1);
	assert_string_equal(d[0].kernel, "6.8.12-4-pve");
	assert_int_equal(d[1].state, HOST_DKMS_ADDED);
	assert_string_equal(d[1].version, "2025.07.22");
	assert_int_equal(d[2].state, HOST_DKMS_BUILT);
	assert_string_equal(d[3].extra, "(WARNING! Diff between built and installed module!)");
	assert_int_equal(d[4].state, HOST_DKMS_BROKEN);
	assert_string_equal(d[5].arch, ""); /* no arch field: parsed defensively */
	free(d);
}

static void test_kver_cmp(void **state)
{
	(void)state;
	assert_true(host_kver_cmp("6.8.12-10-pve", "6.8.12-4-pve") > 0);
	assert_true(host_kver_cmp("6.14.11-2-pve", "6.8.12-11-pve") > 0);
	assert_true(host_kver_cmp("6.8.12-4-pve", "6.8.12-4-pve") == 0);
	assert_true(host_kver_cmp("7.0.2-1-pve", "6.17.9-1-pve") > 0);
}

static void test_windows_file(void **state)
{
	char *root = tt_mkdtemp(), src[256];
	struct util_paths p;
	struct host_dkms_window *w;
	size_t n;
	struct util_err e = {0};

	(void)state;
	util_paths_init(&p, root);
	assert_int_equal(host_dkms_windows_load(&p, &w, &n, src, sizeof(src), &e), 0);
	assert_string_equal(src, "built-in");
	assert_int_equal(n, 4);
	assert_true(host_dkms_window_fits(&w[2], "6.8.12-4-pve")); /* 2025.07.22: 6.8-6.16 */
	assert_false(host_dkms_window_fits(&w[2], "6.17.2-1-pve"));
	assert_true(host_dkms_window_fits(&w[0], "7.0.14-8-pve")); /* 2026.05.06: 6.17-7.0 */
	/* the shipped data file says the same as the built-in copy */
	{
		char *shipped;
		size_t len;
		struct host_dkms_window *w2;
		size_t n2;

		assert_int_equal(util_file_read(tt_src("data/dkms-windows.tsv"), 1 << 16, &shipped,
		                                &len, NULL),
		                 0);
		tt_write(root, &PP_DKMS_WINDOWS_SYSTEM[1], shipped);
		free(shipped);
		assert_int_equal(host_dkms_windows_load(&p, &w2, &n2, src, sizeof(src), &e), 0);
		assert_int_equal(n2, n);
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(w2[i].release, w[i].release);
			assert_int_equal(w2[i].min_major * 100 + w2[i].min_minor,
			                 w[i].min_major * 100 + w[i].min_minor);
			assert_int_equal(w2[i].max_major * 100 + w2[i].max_minor,
			                 w[i].max_major * 100 + w[i].max_minor);
		}
		free(w2);
		free(w);
	}
	/* the shipped file, then a local override that wins */
	tt_write(root, &PP_DKMS_WINDOWS_SYSTEM[1], "# release\tmin\tmax\n2025.07.22\t6.8\t6.16\n");
	assert_int_equal(host_dkms_windows_load(&p, &w, &n, src, sizeof(src), &e), 0);
	assert_string_equal(src, HOST_DKMS_WINDOWS_SYSTEM);
	assert_int_equal(n, 1);
	free(w);
	tt_write(root, "etc/pve-passthrough/dkms-windows.tsv", "2027.01.01\t7.1\t7.4\nbad line\n");
	assert_int_equal(host_dkms_windows_load(&p, &w, &n, src, sizeof(src), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/etc/pve-passthrough/dkms-windows.tsv line 2"));
	tt_rmrf(root);
	free(root);
}

static void kernel(const char *root, const char *k, bool dkms, bool headers)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "boot/vmlinuz-%s", k);
	tt_write(root, rel, "");
	snprintf(rel, sizeof(rel), "lib/modules/%s/kernel/drivers/gpu/drm/i915/i915.ko", k);
	tt_write(root, rel, "stock");
	if (headers) {
		char target[256];

		snprintf(rel, sizeof(rel), "usr/src/linux-headers-%s/Makefile", k);
		tt_write(root, rel, "");
		snprintf(rel, sizeof(rel), "lib/modules/%s/build", k);
		snprintf(target, sizeof(target), "/usr/src/linux-headers-%s", k);
		tt_symlink(root, rel, target);
	}
	if (dkms) {
		snprintf(rel, sizeof(rel),
		         "var/lib/dkms/i915-sriov-dkms/2025.07.22/%s/x86_64/module/i915.ko.xz", k);
		tt_write(root, rel, "dkms");
		snprintf(rel, sizeof(rel), "lib/modules/%s/updates/dkms/i915.ko.xz", k);
		tt_write(root, rel, "dkms");
	}
}

static void test_scan_kernel_upgrade_without_dkms(void **state)
{
	char *root = tt_mkdtemp();
	struct util_paths p;
	struct host_dkms_window *w;
	struct host_dkms_report r;
	size_t n;
	char src[256];
	struct util_err e = {0};

	(void)state;
	util_paths_init(&p, root);
	kernel(root, "6.8.12-4-pve", true, true);
	kernel(root, "6.17.2-1-pve", false, false); /* the upgrade: outside 2025.07.22's window */
	/* leftover of a removed kernel: only updates/dkms, not an installed kernel */
	tt_write(root, "lib/modules/6.5.13-5-pve/updates/dkms/i915.ko", "old");
	assert_int_equal(host_dkms_windows_load(&p, &w, &n, src, sizeof(src), &e), 0);
	assert_int_equal(host_dkms_scan(&p, "6.8.12-4-pve", w, n, &r, &e), 0);
	assert_string_equal(r.module, "i915-sriov-dkms");
	assert_int_equal(r.n_sources, 1);
	assert_int_equal(r.n_kernels, 2);
	assert_string_equal(r.kernels[0].release, "6.17.2-1-pve");
	assert_true(r.kernels[0].next_boot);
	assert_false(r.kernels[0].dkms_built);
	assert_false(r.kernels[0].headers);
	assert_false(r.kernels[0].source_fits);
	assert_string_equal(r.kernels[0].fitting, "2026.05.06"); /* the newest that covers it */
	assert_true(r.kernels[1].running);
	assert_true(r.kernels[1].dkms_built && r.kernels[1].dkms_installed && r.kernels[1].headers);
	host_dkms_report_free(&r);
	/* pinned to the old kernel: that one boots next */
	tt_write(root, "etc/kernel/proxmox-boot-pin", "6.8.12-4-pve\n");
	assert_int_equal(host_dkms_scan(&p, "6.8.12-4-pve", w, n, &r, &e), 0);
	assert_true(r.kernels[1].next_boot && r.kernels[1].pinned);
	assert_false(r.kernels[0].next_boot);
	host_dkms_report_free(&r);
	free(w);
	tt_rmrf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_status_real_samples),
	        cmocka_unit_test(test_status_grammars),
	        cmocka_unit_test(test_kver_cmp),
	        cmocka_unit_test(test_windows_file),
	        cmocka_unit_test(test_scan_kernel_upgrade_without_dkms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
