/* tests/kernel/kernel_tests.c - the guest test program of the real-kernel tier: runs inside Debian's
 * kernel under QEMU (tests/kernel/init starts it) against the real /sys, with an SR-IOV NVMe
 * controller and the mtty sample mdev driver.  Each check is named; boot.sh counts them.
 * Must not be run on a real host: it rebinds drivers and changes VF counts. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "util/fileio.h"
#include "util/paths.h"

/* The one PCI device with an SR-IOV capability in the test machine (the emulated NVMe). */
static int find_sriov_pf(const struct util_paths *p, char *bdf, size_t n)
{
	char dir[PP_PATH_MAX], attr[PP_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int found = 0;
	if (util_path(p, dir, sizeof dir, PP_SYS_PCI_DEVICES) != 0 || !(d = opendir(dir)))
		return 0;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (util_path(p, attr, sizeof attr, PP_SYS_PCI_DEVICES "/%s/sriov_totalvfs",
		              de->d_name) == 0 &&
		    util_exists(attr)) {
			snprintf(bdf, n, "%s", de->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int main(void)
{
	struct ktest t = {0};
	struct util_paths p;
	char pf[256] = "", path[PP_PATH_MAX];
	long total = -1;
	char *out, *err;
	char *version_argv[] = {"pve-passthrough", "--version", NULL};
	int rc;

	util_paths_init(&p, NULL);

	rc = ktest_run(version_argv, &out, &err);
	ktest_check(&t, "binary-runs", rc == 0 && out && strstr(out, PP_VERSION),
	            "pve-passthrough --version: exit %d, stdout '%s', stderr '%s'", rc,
	            out ? out : "", err ? err : "");
	free(out);
	free(err);

	util_path(&p, path, sizeof path, PP_SYS_CLASS_IOMMU "/dmar0");
	ktest_check(&t, "env-iommu", util_exists(path), "no %s: the emulated IOMMU is not active",
	            path);

	if (ktest_check(&t, "env-sriov-pf", find_sriov_pf(&p, pf, sizeof pf),
	                "no PCI device with sriov_totalvfs")) {
		util_path(&p, path, sizeof path, PP_SYS_PCI_DEVICES "/%s/sriov_totalvfs", pf);
		util_attr_read_long(path, 10, &total);
		ktest_check(&t, "env-sriov-totalvfs", total == 4, "%s: sriov_totalvfs %ld, want 4",
		            pf, total);
	}

	util_path(&p, path, sizeof path, PP_SYS_CLASS_MDEV_BUS "/mtty/mdev_supported_types/mtty-2");
	ktest_check(&t, "env-mtty", util_is_dir(path), "%s missing: mtty did not load", path);

	printf("guest: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
