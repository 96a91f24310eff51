/* tests/support/fakesys.h - builds fake sysfs trees under a test's temporary root, laid out as the
 * kernel lays them out (docs/kernel.md): device directories under sys/devices/pci0000:00 with
 * vendor/device/class text files and a 4096-byte config, relative links from sys/bus/pci/devices,
 * driver / iommu_group / virtfnN / physfn links, mdev types and instances, module parameters.
 *
 * And a fake kernel: a struct sysfs_writer hook that records every write and reacts as the kernel
 * does (VFs appear on sriov_numvfs, EBUSY on N->M, ERANGE above totalvfs, ENOENT without an
 * SR-IOV driver, available_instances drops on create, drivers_probe honours driver_override,
 * vfio-pci refuses a device without an IOMMU group). */
#ifndef PP_TESTS_FAKESYS_H
#define PP_TESTS_FAKESYS_H

#include <stdbool.h>
#include <stddef.h>

/* Device <bdf> with these ids; class like 0x030000. */
void fs_add_device(const char *root, const char *bdf, unsigned vendor, unsigned device,
                   unsigned class_code);
/* Binds (driver non-empty) or unbinds (NULL or "") the device; creates the driver directory. */
void fs_set_driver(const char *root, const char *bdf, const char *driver);
/* Puts the device in IOMMU group n (sys/kernel/iommu_groups/n). */
void fs_set_group(const char *root, const char *bdf, int group);
/* Gives the device the SR-IOV capability: sriov_totalvfs = total, sriov_numvfs = 0. */
void fs_make_pf(const char *root, const char *pf, int total);
/* Creates n VFs of the PF (same ids, next functions/devices after the PF), virtfnN/physfn links,
 * each in its own IOMMU group first_group + i (no group when first_group < 0). */
void fs_add_vfs(const char *root, const char *pf, int n, int first_group);
/* The bdf of VF i of pf (as fs_add_vfs names them). */
void fs_vf_bdf(const char *pf, int i, char *buf, size_t n);
/* An mdev type under <parent>/mdev_supported_types; parent is a bdf (a PCI device made with
 * fs_add_device) or a name ("mtty": a virtual device, as the kernel's sample driver makes). */
void fs_add_mdev_type(const char *root, const char *parent, const char *type, const char *name,
                      const char *description, int available);
/* A live mdev instance of type on parent. */
void fs_add_mdev(const char *root, const char *parent, const char *type, const char *uuid);
/* sys/class/iommu/dmar0 present or not. */
void fs_set_iommu(const char *root, bool on);
void fs_set_module_param(const char *root, const char *module, const char *param,
                         const char *value);
void fs_set_kernel(const char *root, const char *release, const char *cmdline);

/* The fake kernel.  Use as: struct fs_kernel k = {0}; fs_kernel_init(&k, root);
 * struct sysfs_writer w = {fs_kernel_write, &k}; */
struct fs_write_rec {
	char path[256]; /* relative to the root: "/sys/bus/pci/devices/0000:00:02.0/sriov_numvfs" */
	char data[64];
	int result; /* 0 or -errno returned */
};

struct fs_kernel {
	char root[1024];
	struct fs_write_rec log[64];
	size_t n_log;
	/* inject: the next write whose path ends with fail_suffix fails with fail_errno */
	const char *fail_suffix;
	int fail_errno;
	int fail_skip; /* let this many matching writes through first */
	int vf_limit;  /* > 0: the driver enables at most this many VFs (partial enable) */
	const char *probe_default; /* driver drivers_probe (and, with sriov_drivers_autoprobe
	                              on, a new VF) binds when no override ("" = none) */
};

void fs_kernel_init(struct fs_kernel *k, const char *root);
int fs_kernel_write(void *arg, const char *path, const char *data, size_t len);

#endif
