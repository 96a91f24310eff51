/* tests/kernel/kernel_tests.c - the guest test program of the real-kernel tier: runs inside Debian's
 * kernel under QEMU (tests/kernel/init starts it) against the real /sys, with an SR-IOV NVMe
 * controller (4 VFs) behind an emulated Intel IOMMU and the mtty sample mdev driver.  Every check
 * goes through the project's code (the sysfs/ archive, the pve-passthrough binary) and verifies by
 * reading the snapshot again.  Each check is named; tests/kernel/boot.sh counts them.
 * Must never run on a real host: it rebinds drivers and changes VF counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "ktest.h"
#include "sysfs/host.h"
#include "util/paths.h"

struct kt {
	struct ktest t;
	struct util_paths paths;
	char pf[SYSFS_BDF_LEN]; /* the emulated NVMe PF */
};

/* A fresh snapshot (the checks always re-read what the kernel shows). */
static struct sysfs_host *snapshot(struct kt *k, const char *check)
{
	struct sysfs_host *h = NULL;
	struct util_err e = {0};
	int r = sysfs_host_read(&k->paths, &h, &e);
	if (r != 0) {
		ktest_check(&k->t, check, false, "sysfs_host_read: %d %s", r, e.msg);
		return NULL;
	}
	return h;
}

static void test_snapshot(struct kt *k)
{
	struct sysfs_host *h = snapshot(k, "snapshot-read");
	const struct sysfs_device *pf = NULL;
	const struct sysfs_module *vp;
	struct utsname u;
	size_t i, n_pf = 0;

	if (!h)
		return;
	uname(&u);
	ktest_check(&k->t, "snapshot-kernel",
	            strcmp(h->kernel_release, u.release) == 0 &&
	                    strstr(h->cmdline, "intel_iommu=on"),
	            "kernel_release '%s' (uname '%s'), cmdline '%s'", h->kernel_release, u.release,
	            h->cmdline);
	ktest_check(&k->t, "snapshot-iommu", h->iommu, "iommu false with the emulated Intel IOMMU");
	for (i = 0; i < h->n_devices; i++)
		if (h->devices[i].role == SYSFS_ROLE_PF) {
			pf = &h->devices[i];
			n_pf++;
		}
	if (ktest_check(&k->t, "snapshot-pf",
	                n_pf == 1 && pf->vendor == 0x1b36 && pf->class_code == 0x010802,
	                "%zu PFs found, want the one QEMU NVMe (1b36, class 010802)", n_pf)) {
		snprintf(k->pf, sizeof k->pf, "%s", pf->bdf);
		ktest_check(&k->t, "snapshot-pf-sriov",
		            pf->totalvfs == 4 && pf->numvfs == 0 && pf->n_vfs == 0,
		            "%s: totalvfs %d numvfs %d n_vfs %zu, want 4 0 0", pf->bdf,
		            pf->totalvfs, pf->numvfs, pf->n_vfs);
		ktest_check(&k->t, "snapshot-pf-driver",
		            strcmp(pf->driver, "nvme") == 0 && pf->driver_override[0] == '\0' &&
		                    pf->iommu_group >= 0,
		            "%s: driver '%s' override '%s' group %d, want nvme '' >=0", pf->bdf,
		            pf->driver, pf->driver_override, pf->iommu_group);
		ktest_check(&k->t, "snapshot-pf-names", pf->vendor_name[0] && pf->device_name[0],
		            "%s: vendor name '%s' device name '%s' (pci.ids)", pf->bdf,
		            pf->vendor_name, pf->device_name);
	}
	vp = sysfs_host_module(h, "vfio_pci");
	ktest_check(&k->t, "snapshot-module-vfio-pci", vp && vp->loaded,
	            "vfio_pci not seen as loaded");
	sysfs_host_free(h);
}

int main(void)
{
	struct kt k;

	memset(&k, 0, sizeof k);
	util_paths_init(&k.paths, NULL);
	test_snapshot(&k);
	printf("guest: %d passed, %d failed\n", k.t.passed, k.t.failed);
	return k.t.failed ? 1 : 0;
}
