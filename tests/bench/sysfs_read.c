/* tests/bench/sysfs_read.c - CPU cost of one sysfs_host_read() on a host with an iGPU PF and 7 VFs
 * plus 30 other devices (drivers, IOMMU groups, module parameters), built as a fake tree in a
 * temporary directory.  Prints measured figures; asserts nothing about time (make bench, not check).
 *   sysfs_read [READS]      measure, then remove the tree
 *   sysfs_read --make DIR   only build the tree under DIR (for the hyperfine run of status) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/fakesys.h"
#include "support/tmpdir.h"
#include "sysfs/host.h"

static void build(const char *root)
{
	static const char *const drivers[] = {"nvme", "igc",           "xhci_hcd",
	                                      "ahci", "snd_hda_intel", NULL};
	char bdf[32];

	fs_add_device(root, "0000:00:02.0", 0x8086, 0xa7a0, 0x030000);
	fs_set_driver(root, "0000:00:02.0", "i915");
	fs_set_group(root, "0000:00:02.0", 0);
	fs_make_pf(root, "0000:00:02.0", 7);
	fs_add_vfs(root, "0000:00:02.0", 7, 20);
	fs_set_driver(root, "0000:00:02.1", "vfio-pci");
	fs_set_driver(root, "0000:00:02.2", "vfio-pci");
	for (int i = 0; i < 30; i++) {
		snprintf(bdf, sizeof(bdf), "0000:%02x:00.0", i + 1);
		fs_add_device(root, bdf, i % 3 ? 0x8086 : 0x144d, 0x1000 + (unsigned)i, 0x020000);
		if (drivers[i % 6])
			fs_set_driver(root, bdf, drivers[i % 6]);
		fs_set_group(root, bdf, 30 + i);
	}
	fs_set_iommu(root, true);
	fs_set_module_param(root, "i915", "enable_guc", "3");
	fs_set_module_param(root, "i915", "max_vfs", "7");
	fs_set_module_param(root, "vfio_pci", "ids", "");
	/* as many parameters as a real i915 / vfio_pci expose */
	for (int i = 0; i < 40; i++) {
		char name[32];

		snprintf(name, sizeof(name), "param_%02d", i);
		fs_set_module_param(root, "i915", name, "-1");
	}
	for (int i = 0; i < 5; i++) {
		char name[32];

		snprintf(name, sizeof(name), "param_%d", i);
		fs_set_module_param(root, "vfio_pci", name, "N");
	}
	fs_set_kernel(root, "6.8.12-4-pve",
	              "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/x ro "
	              "quiet intel_iommu=on i915.enable_guc=3 i915.max_vfs=7");
	/* names are looked up in the root's pci.ids: a whole one, as a node has (this machine's,
	 * when it has one; else the demo's excerpt that fs_add_device put there) */
	{
		size_t len;
		char *ids = tt_read("/usr/share/misc", "pci.ids", &len);

		if (ids)
			tt_write_bytes(root, "usr/share/misc/pci.ids", ids, len);
		free(ids);
	}
}

static double cpu_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int measure(const struct util_paths *p, const struct sysfs_read_opts *o, int reads,
                   const char *what)
{
	struct util_err e = {0};
	struct sysfs_host *h = NULL;
	double t0, best = 1e18, sum = 0;
	size_t n = 0;

	for (int i = 0; i < reads; i++) {
		t0 = cpu_us();
		if (sysfs_host_read_opts(p, o, &h, &e) < 0) {
			fprintf(stderr, "bench: %s\n", e.msg);
			return 1;
		}
		t0 = cpu_us() - t0;
		n = h->n_devices;
		sysfs_host_free(h);
		sum += t0;
		if (t0 < best)
			best = t0;
	}
	printf("sysfs-read %-34s %zu devices, %d reads: %.1f us CPU per read (mean), %.1f us "
	       "(best)\n",
	       what, n, reads, sum / reads, best);
	return 0;
}

int main(int argc, char **argv)
{
	struct util_paths p;
	char *root;
	int reads = argc > 1 ? atoi(argv[1]) : 2000, r;

	if (argc == 3 && strcmp(argv[1], "--make") == 0) {
		build(argv[2]);
		return 0;
	}
	if (reads <= 0)
		reads = 2000;
	root = tt_mkdtemp();
	build(root);
	util_paths_init(&p, root);
	{
		static const char *const named[] = {"i915.enable_guc", "i915.max_vfs",
		                                    "vfio_pci.ids", NULL};
		const struct sysfs_read_opts all = {0, NULL}, none = {SYSFS_READ_NO_PARAMS, NULL},
		                             some = {0, named}, names = {SYSFS_READ_NAMES, NULL};

		r = measure(&p, &all, reads, "(no names, all 45 params)");
		if (!r)
			r = measure(&p, &some, reads, "(no names, 3 named params)");
		if (!r)
			r = measure(&p, &none, reads, "(no names, SYSFS_READ_NO_PARAMS)");
		if (!r)
			r = measure(&p, &names, reads / 20 + 1, "(status: pci.ids names)");
	}
	tt_rmrf(root);
	free(root);
	return r;
}
