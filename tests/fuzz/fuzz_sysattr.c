/* libFuzzer target: sysfs attribute values as the host snapshot reads them.  A fake host (the
 * test support's fake sysfs: an iGPU PF with 2 VFs, a GVT-g type, i915 parameters) is built once;
 * each input is cut at \x01 bytes into the values of the PF's uevent, sriov_totalvfs,
 * sriov_numvfs, driver_override, the mdev type's description, name and available_instances, an
 * i915 parameter, /proc/cmdline and the kernel release; then the whole snapshot is read.
 * Properties: no crash or leak; a failed read says why; the PF is either skipped or found. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs/host.h"
#include "support/fakesys.h"
#include "fuzz_root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PF  "0000:00:02.0"
#define DEV PP_SYS_PCI_DEVICES "/" PF
#define MT  DEV "/mdev_supported_types/i915-GVTg_V5_4"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const attrs[] = {
	        DEV "/uevent",
	        DEV "/sriov_totalvfs",
	        DEV "/sriov_numvfs",
	        DEV "/driver_override",
	        MT "/description",
	        MT "/name",
	        MT "/available_instances",
	        PP_SYS_MODULE "/i915/parameters/enable_guc",
	        PP_PROC_CMDLINE,
	        PP_PROC_OSRELEASE,
	};
	/* what each holds when the input has fewer pieces (every run starts from the same host) */
	static const char *const defaults[] = {
	        "DRIVER=i915\nPCI_CLASS=30000\nPCI_ID=8086:A7A0\nPCI_SUBSYS_ID=1028:0B14\n"
	        "PCI_SLOT_NAME=0000:00:02.0\n",
	        "7\n",
	        "2\n",
	        "(null)\n",
	        "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\n"
	        "weight: 4\n",
	        "GVTg_V5_4\n",
	        "2\n",
	        "3\n",
	        "BOOT_IMAGE=/vmlinuz intel_iommu=on\n",
	        "6.8.12-4-pve\n",
	};
	static bool built;
	struct util_paths p;
	struct util_err e = {0};
	struct sysfs_host *h = NULL;
	const char *root = fuzz_root(&p);
	size_t at = 0;

	if (!built) {
		fs_add_device(root, PF, 0x8086, 0xa7a0, 0x030000);
		fs_set_driver(root, PF, "i915");
		fs_set_group(root, PF, 0);
		fs_make_pf(root, PF, 7);
		fs_add_vfs(root, PF, 2, 10);
		fs_add_mdev_type(root, PF, "i915-GVTg_V5_4", "GVTg_V5_4",
		                 "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: "
		                 "1920x1200\nweight: 4\n",
		                 2);
		fs_set_module_param(root, "i915", "enable_guc", "3");
		fs_set_kernel(root, "6.8.12-4-pve", "BOOT_IMAGE=/vmlinuz intel_iommu=on");
		fs_set_iommu(root, true);
		built = true;
	}
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const uint8_t *end = at < size ? memchr(data + at, 1, size - at) : NULL;
		size_t len = at >= size ? 0 : end ? (size_t)(end - (data + at)) : size - at;

		if (at < size)
			fuzz_put(attrs[i], data + at, len);
		else
			fuzz_put(attrs[i], defaults[i], strlen(defaults[i]));
		at += len + 1;
	}
	if (sysfs_host_read_flags(&p, 0, &h, &e) == 0) {
		sysfs_host_find(h, PF);
		sysfs_host_module_param(h, "i915", "enable_guc");
		sysfs_host_free(h);
	} else if (!e.msg[0]) {
		abort();
	}
	return 0;
}
