/* Unit tests: sysfs/host.c (the snapshot), sysfs/pcilib.c (libpci trapped at its boundary) and the
 * Intel platform table, on fake sysfs trees built per test (tests/support/fakesys.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/fakesys.h"
#include "support/tmpdir.h"
#include "sysfs/host.h"
#include "sysfs/igpu.h"
#include "sysfs/pcilib.h"

#define PF "0000:00:02.0"

/* Known and bounded: when libpci's own directory scan fails, the longjmp out of it leaves its DIR
 * (and the device it was filling) behind.  sysfs/host.c lets libpci scan only a directory its
 * pre-scan found clean, so this needs the directory to change in between; test_libpci_error_trapped
 * provokes it on purpose.  LeakSanitizer hook (used by make check-asan only). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:__alloc_dir\nleak:libpci.so\n";
}

/* An SR-IOV host like the demo host, smaller: iGPU PF with 3 VFs (VF 0 on vfio-pci), NVMe, USB. */
static char *build_sriov_host(void)
{
	char *root = tt_mkdtemp();

	fs_add_device(root, "0000:00:00.0", 0x8086, 0xa706, 0x060000);
	fs_set_group(root, "0000:00:00.0", 1);
	fs_add_device(root, PF, 0x8086, 0xa7a0, 0x030000);
	fs_set_driver(root, PF, "i915");
	fs_set_group(root, PF, 0);
	fs_make_pf(root, PF, 7);
	fs_add_vfs(root, PF, 3, 20);
	fs_set_driver(root, "0000:00:02.1", "vfio-pci");
	fs_add_device(root, "0000:01:00.0", 0x144d, 0xa80a, 0x010802);
	fs_set_driver(root, "0000:01:00.0", "nvme");
	fs_set_group(root, "0000:01:00.0", 4);
	fs_add_device(root, "0000:00:14.0", 0x8086, 0x51ed, 0x0c0330);
	fs_set_iommu(root, true);
	fs_set_module_param(root, "i915", "enable_guc", "3");
	fs_set_module_param(root, "i915", "max_vfs", "7");
	tt_mkdir(root, "sys/module/vfio_pci");
	fs_set_kernel(root, "6.8.12-4-pve", "BOOT_IMAGE=/boot/vmlinuz root=/dev/x intel_iommu=on");
	return root;
}

static struct sysfs_host *read_root(const char *root, unsigned flags)
{
	struct util_paths p;
	struct util_err e = {0};
	struct sysfs_host *h = NULL;

	assert_int_equal(util_paths_init(&p, root), 0);
	if (sysfs_host_read_flags(&p, flags, &h, &e) != 0)
		fail_msg("sysfs_host_read: %s", e.msg);
	return h;
}

static void test_sriov_host(void **state)
{
	char *root = build_sriov_host();
	struct sysfs_host *h = read_root(root, SYSFS_READ_NAMES);
	const struct sysfs_device *pf, *vf, *nvme, *usb;

	(void)state;
	assert_int_equal(h->n_devices, 7);
	assert_int_equal(h->n_warnings, 0);
	for (size_t i = 1; i < h->n_devices; i++) /* sorted by bdf */
		assert_true(strcmp(h->devices[i - 1].bdf, h->devices[i].bdf) < 0);
	pf = sysfs_host_find(h, PF);
	assert_non_null(pf);
	assert_int_equal(pf->role, SYSFS_ROLE_PF);
	assert_int_equal(pf->vendor, 0x8086);
	assert_int_equal(pf->device, 0xa7a0);
	assert_int_equal(pf->class_code, 0x030000);
	assert_string_equal(pf->driver, "i915");
	assert_string_equal(pf->driver_override, "");
	assert_int_equal(pf->iommu_group, 0);
	assert_int_equal(pf->totalvfs, 7);
	assert_int_equal(pf->numvfs, 3);
	assert_int_equal(pf->n_vfs, 3);
	assert_string_equal(pf->vfs[0], "0000:00:02.1");
	assert_string_equal(pf->vfs[2], "0000:00:02.3");
	assert_string_equal(pf->vendor_name, "Intel Corporation");
	assert_string_equal(pf->device_name, "Raptor Lake-P [Iris Xe Graphics]");
	assert_non_null(pf->platform);
	assert_string_equal(pf->platform->platform, "Raptor Lake-P");
	assert_int_equal(pf->platform->virt, SYSFS_VIRT_SRIOV);
	assert_int_equal(pf->vf_index, -1);

	vf = sysfs_host_find(h, "0000:00:02.3");
	assert_non_null(vf);
	assert_int_equal(vf->role, SYSFS_ROLE_VF);
	/* ids from the vendor/device files: the VF's config space reads ffff */
	assert_int_equal(vf->vendor, 0x8086);
	assert_int_equal(vf->device, 0xa7a0);
	assert_string_equal(vf->physfn, PF);
	assert_int_equal(vf->vf_index, 2);
	assert_int_equal(vf->iommu_group, 22);
	assert_int_equal(vf->totalvfs, -1);
	assert_string_equal(vf->driver, "");
	assert_string_equal(sysfs_host_find(h, "0000:00:02.1")->driver, "vfio-pci");

	nvme = sysfs_host_find(h, "0000:01:00.0");
	assert_string_equal(nvme->vendor_name, "Samsung Electronics Co Ltd");
	assert_null(nvme->platform);
	assert_int_equal(nvme->role, SYSFS_ROLE_DEVICE);
	usb = sysfs_host_find(h, "0000:00:14.0");
	assert_int_equal(usb->iommu_group, -1);
	assert_null(usb->platform); /* Intel, but not a display device */
	assert_null(sysfs_host_find(h, "0000:00:02.7"));

	assert_true(h->iommu);
	assert_string_equal(h->kernel_release, "6.8.12-4-pve");
	assert_non_null(strstr(h->cmdline, "intel_iommu=on"));
	assert_true(sysfs_host_module(h, "i915")->loaded);
	assert_true(sysfs_host_module(h, "vfio_pci")->loaded);
	assert_false(sysfs_host_module(h, "xe")->loaded);
	assert_null(sysfs_host_module(h, "nouveau"));
	assert_string_equal(sysfs_host_module_param(h, "i915", "max_vfs"), "7");
	assert_null(sysfs_host_module_param(h, "i915", "enable_gvt"));
	assert_null(sysfs_host_module_param(h, "xe", "max_vfs"));
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

static void test_without_names(void **state)
{
	char *root = build_sriov_host();
	struct sysfs_host *h = read_root(root, 0);

	(void)state;
	assert_int_equal(h->n_devices, 7);
	assert_string_equal(sysfs_host_find(h, PF)->vendor_name, "");
	assert_string_equal(sysfs_host_find(h, PF)->platform->platform, "Raptor Lake-P");
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

static struct sysfs_host *read_opts(const char *root, unsigned flags, const char *const *params)
{
	struct sysfs_read_opts o = {.flags = flags, .params = params};
	struct util_paths p;
	struct util_err e = {0};
	struct sysfs_host *h = NULL;

	assert_int_equal(util_paths_init(&p, root), 0);
	if (sysfs_host_read_opts(&p, &o, &h, &e) != 0)
		fail_msg("sysfs_host_read_opts: %s", e.msg);
	return h;
}

/* Module parameters: all (default), none (SYSFS_READ_NO_PARAMS: loaded still known), or only
 * the named ones; the devices are the same whichever. */
static void test_module_param_choice(void **state)
{
	static const char *const named[] = {"i915.max_vfs", "i915.nosuch",     "xe.max_vfs",
	                                    "vfio_pci.ids", "nouveau.modeset", "i915.",
	                                    "i915",         "i915.../x",       NULL};
	static const char *const none[] = {NULL};
	char *root = build_sriov_host();
	struct sysfs_host *all, *h;

	(void)state;
	fs_set_module_param(root, "vfio_pci", "ids", "8086:a7a0");
	fs_set_module_param(root, "i915", "enable_gvt", "N");
	all = read_root(root, 0);
	assert_int_equal(sysfs_host_module(all, "i915")->n_params, 3);
	assert_string_equal(sysfs_host_module_param(all, "i915", "enable_gvt"), "N");

	h = read_root(root, SYSFS_READ_NO_PARAMS);
	assert_true(sysfs_host_module(h, "i915")->loaded);
	assert_true(sysfs_host_module(h, "vfio_pci")->loaded);
	assert_false(sysfs_host_module(h, "xe")->loaded);
	assert_int_equal(h->n_modules, 4);
	for (size_t i = 0; i < h->n_modules; i++)
		assert_int_equal(h->modules[i].n_params, 0);
	assert_null(sysfs_host_module_param(h, "i915", "max_vfs"));
	assert_int_equal(h->n_devices, all->n_devices);
	for (size_t i = 0; i < h->n_devices; i++) {
		assert_string_equal(h->devices[i].bdf, all->devices[i].bdf);
		assert_int_equal(h->devices[i].role, all->devices[i].role);
		assert_string_equal(h->devices[i].physfn, all->devices[i].physfn);
		assert_int_equal(h->devices[i].vf_index, all->devices[i].vf_index);
		assert_string_equal(h->devices[i].driver, all->devices[i].driver);
	}
	sysfs_host_free(h);

	h = read_opts(root, 0, named);
	assert_true(sysfs_host_module(h, "i915")->loaded);
	assert_int_equal(sysfs_host_module(h, "i915")->n_params, 1);
	assert_string_equal(sysfs_host_module_param(h, "i915", "max_vfs"), "7");
	assert_null(sysfs_host_module_param(h, "i915", "enable_gvt")); /* not asked for */
	assert_null(sysfs_host_module_param(h, "i915", "nosuch"));
	assert_string_equal(sysfs_host_module_param(h, "vfio_pci", "ids"), "8086:a7a0");
	assert_false(sysfs_host_module(h, "xe")->loaded);
	assert_int_equal(sysfs_host_module(h, "xe")->n_params, 0);
	sysfs_host_free(h);

	h = read_opts(root, 0, none); /* an empty list: no parameters */
	assert_true(sysfs_host_module(h, "i915")->loaded);
	assert_int_equal(sysfs_host_module(h, "i915")->n_params, 0);
	sysfs_host_free(h);
	sysfs_host_free(all);
	tt_rmrf(root);
	free(root);
}

static void rm_uevents(const char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -f '%s'/sys/devices/pci0000:00/*/uevent", root);
	assert_int_equal(system(cmd), 0);
}

/* The ids, subsystem ids and driver come from uevent when present (one read) and from the
 * vendor/device/class/subsystem_* files and the driver link when not: the same snapshot. */
static void test_uevent_and_files_agree(void **state)
{
	char *root = build_sriov_host();
	struct sysfs_host *a = read_root(root, 0), *b;

	(void)state;
	rm_uevents(root);
	b = read_root(root, 0);
	assert_int_equal(a->n_devices, b->n_devices);
	for (size_t i = 0; i < a->n_devices; i++) {
		assert_string_equal(a->devices[i].bdf, b->devices[i].bdf);
		assert_int_equal(a->devices[i].vendor, b->devices[i].vendor);
		assert_int_equal(a->devices[i].device, b->devices[i].device);
		assert_int_equal(a->devices[i].class_code, b->devices[i].class_code);
		assert_int_equal(a->devices[i].subsystem_vendor, b->devices[i].subsystem_vendor);
		assert_int_equal(a->devices[i].subsystem_device, b->devices[i].subsystem_device);
		assert_true(a->devices[i].has_subsystem);
		assert_true(b->devices[i].has_subsystem);
		assert_string_equal(a->devices[i].driver, b->devices[i].driver);
	}
	assert_string_equal(sysfs_host_find(b, "0000:00:02.1")->driver, "vfio-pci");
	assert_int_equal(sysfs_host_find(b, "0000:00:02.1")->subsystem_vendor, 0x8086);
	sysfs_host_free(b);
	/* without the subsystem files the device has no subsystem ids (PVE: no subsystem-id) */
	{
		char cmd[PP_PATH_MAX + 64];

		snprintf(cmd, sizeof(cmd),
		         "rm '%s'/sys/devices/pci0000:00/0000:00:02.1/subsystem_vendor", root);
		assert_int_equal(system(cmd), 0);
	}
	b = read_root(root, 0);
	assert_false(sysfs_host_find(b, "0000:00:02.1")->has_subsystem);
	assert_true(sysfs_host_find(b, "0000:00:02.2")->has_subsystem);
	sysfs_host_free(a);
	sysfs_host_free(b);
	tt_rmrf(root);
	free(root);
}

/* Entries libpci would exit(1) on are skipped with a warning; the rest is read. */
static void test_broken_entries_skipped(void **state)
{
	char *root = build_sriov_host();
	struct sysfs_host *h;

	(void)state;
	tt_mkdir(root, "sys/bus/pci/devices/garbage");
	tt_write(root, "sys/devices/pci0000:00/0000:00:1f.0/vendor", "0x8086\n"); /* half-written */
	tt_symlink(root, "sys/bus/pci/devices/0000:00:1f.0",
	           "../../../devices/pci0000:00/0000:00:1f.0");
	tt_symlink(root, "sys/bus/pci/devices/0000:00:1f.3", "../../../devices/pci0000:00/gone");
	h = read_root(root, SYSFS_READ_NAMES);
	assert_int_equal(h->n_devices, 7);
	assert_int_equal(h->n_warnings, 3);
	assert_non_null(strstr(h->warnings[0], "skipped"));
	{
		bool garbage = false, half = false;

		for (size_t i = 0; i < h->n_warnings; i++) {
			garbage |= strstr(h->warnings[i], "/garbage: not a PCI address") != NULL;
			half |= strstr(h->warnings[i], "0000:00:1f.0: incomplete device entry (no "
			                               "readable 'device')") != NULL;
		}
		assert_true(garbage);
		assert_true(half);
	}
	assert_string_equal(sysfs_host_find(h, PF)->device_name,
	                    "Raptor Lake-P [Iris Xe Graphics]");
	/* VFs found through the PF's virtfnN links */
	assert_int_equal(sysfs_host_find(h, "0000:00:02.2")->role, SYSFS_ROLE_VF);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.2")->physfn, PF);
	assert_int_equal(sysfs_host_find(h, "0000:00:02.2")->vf_index, 1);
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

static void rm_rel(const char *root, const char *rel)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(unlink(path), 0);
}

/* The PF's own entry is skipped (half-written): its VFs are still VFs, by their physfn links. */
static void test_vf_of_skipped_pf(void **state)
{
	char *root = build_sriov_host();
	struct sysfs_host *h;

	(void)state;
	rm_rel(root, "sys/devices/pci0000:00/" PF "/class");
	rm_rel(root, "sys/devices/pci0000:00/" PF "/uevent");
	h = read_root(root, 0);
	assert_int_equal(h->n_devices, 6);
	assert_int_equal(h->n_warnings, 1);
	assert_null(sysfs_host_find(h, PF));
	for (int i = 1; i <= 3; i++) {
		char bdf[16];
		const struct sysfs_device *vf;

		snprintf(bdf, sizeof(bdf), "0000:00:02.%d", i);
		vf = sysfs_host_find(h, bdf);
		assert_non_null(vf);
		assert_int_equal(vf->role, SYSFS_ROLE_VF);
		assert_string_equal(vf->physfn, PF);
		assert_int_equal(vf->vf_index, -1); /* the PF's virtfnN links were not read */
	}
	assert_int_equal(sysfs_host_find(h, "0000:01:00.0")->role, SYSFS_ROLE_DEVICE);
	assert_string_equal(sysfs_host_find(h, "0000:01:00.0")->physfn, "");
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

static void no_warn(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Names come from the pci.ids of the root being read (libpci's own path under it), never from
 * the machine running the tool: a node's own file names the device its way, and a root without
 * one has no names. */
static void test_names_from_root_pci_ids(void **state)
{
	char *root = build_sriov_host(), ids[4096];
	struct sysfs_host *h;

	(void)state;
	tt_write(root, "usr/share/misc/pci.ids",
	         "# a node's own list\n8086  Vendor Of This Node\n\ta7a0  GPU Of This Node\n");
	h = read_root(root, SYSFS_READ_NAMES);
	assert_string_equal(sysfs_host_find(h, PF)->vendor_name, "Vendor Of This Node");
	assert_string_equal(sysfs_host_find(h, PF)->device_name, "GPU Of This Node");
	assert_string_equal(sysfs_host_find(h, "0000:01:00.0")->vendor_name, "");
	sysfs_host_free(h);
	snprintf(ids, sizeof(ids), "%s/usr/share/misc/pci.ids", root);
	assert_int_equal(unlink(ids), 0);
	h = read_root(root, SYSFS_READ_NAMES);
	assert_int_equal(h->n_devices, 7);
	assert_int_equal(h->n_warnings, 0);
	assert_string_equal(sysfs_host_find(h, PF)->vendor_name, "");
	assert_string_equal(sysfs_host_find(h, PF)->device_name, "");
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

/* libpci itself meets an entry it cannot parse: its fatal error comes back as -EIO, the process
 * lives on, and the next call works. */
static void test_libpci_error_trapped(void **state)
{
	char *root = build_sriov_host(), bus[4096];
	struct sysfs_pci_entry ents[1] = {{.bdf = PF}};
	struct util_err e = {0};

	(void)state;
	tt_mkdir(root, "sys/bus/pci/devices/garbage");
	snprintf(bus, sizeof(bus), "%s/sys/bus/pci", root);
	assert_int_equal(sysfs_pci_enumerate(bus, NULL, ents, 1, true, false, no_warn, NULL, &e),
	                 -EIO);
	assert_non_null(strstr(e.msg, "libpci could not read"));
	assert_non_null(strstr(e.msg, "garbage"));
	/* a missing sysfs.path is also a libpci error, not an exit */
	snprintf(bus, sizeof(bus), "%s/nowhere", root);
	assert_int_equal(sysfs_pci_enumerate(bus, NULL, ents, 1, true, false, no_warn, NULL, &e),
	                 -EIO);
	/* opened by address, it works */
	snprintf(bus, sizeof(bus), "%s/sys/bus/pci", root);
	assert_int_equal(sysfs_pci_enumerate(bus, NULL, ents, 1, false, true, no_warn, NULL, &e),
	                 0);
	assert_true(ents[0].seen);
	assert_int_equal(ents[0].device, 0xa7a0);
	assert_string_equal(ents[0].vendor_name, "Intel Corporation");
	tt_rmrf(root);
	free(root);
}

static void test_gvtg_host(void **state)
{
	char *root = tt_mkdtemp();
	struct sysfs_host *h;
	const struct sysfs_device *gpu;
	const struct sysfs_mdev_type *t;

	(void)state;
	fs_add_device(root, PF, 0x8086, 0x3e92, 0x030000);
	fs_set_driver(root, PF, "i915");
	fs_add_mdev_type(root, PF, "i915-GVTg_V5_8", "GVTg_V5_8\n",
	                 "low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: "
	                 "1024x768\nweight: 2\n",
	                 2);
	fs_add_mdev_type(root, PF, "i915-GVTg_V5_4", "GVTg_V5_4\n",
	                 "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: "
	                 "1920x1200\nweight: 4\n",
	                 1);
	fs_add_mdev(root, PF, "i915-GVTg_V5_4", "00000000-0000-0000-0000-000000000100");
	fs_set_kernel(root, "6.8.12-4-pve", "quiet intel_iommu=on i915.enable_gvt=1");
	h = read_root(root, 0);
	gpu = sysfs_host_find(h, PF);
	assert_int_equal(gpu->role, SYSFS_ROLE_DEVICE);
	assert_int_equal(gpu->platform->virt, SYSFS_VIRT_GVTG);
	assert_int_equal(gpu->n_mdev_types, 2);
	assert_true(gpu->mdev_parent); /* what PVE's mdev check of a mapping looks at */
	t = &gpu->mdev_types[0];       /* sorted by id */
	assert_string_equal(t->id, "i915-GVTg_V5_4");
	assert_string_equal(t->name, "GVTg_V5_4");
	assert_string_equal(t->device_api, "vfio-pci");
	assert_int_equal(t->available, 1);
	assert_int_equal(t->low_gm_mb, 128);
	assert_int_equal(t->high_gm_mb, 512);
	assert_int_equal(t->fence, 4);
	assert_int_equal(t->weight, 4);
	assert_string_equal(t->resolution, "1920x1200");
	assert_non_null(strstr(t->description, "fence: 4\n"));
	assert_int_equal(gpu->mdev_types[1].weight, 2);
	assert_int_equal(h->n_mdevs, 1);
	assert_string_equal(h->mdevs[0].uuid, "00000000-0000-0000-0000-000000000100");
	assert_string_equal(h->mdevs[0].type, "i915-GVTg_V5_4");
	assert_string_equal(h->mdevs[0].parent, PF);
	assert_false(h->iommu);                 /* no sys/class/iommu at all */
	assert_int_equal(h->n_mdev_parents, 0); /* a PCI parent's types are on its device */
	assert_ptr_equal(sysfs_host_mdev_type(h, PF, "i915-GVTg_V5_8"), &gpu->mdev_types[1]);
	assert_null(sysfs_host_mdev_type(h, PF, "i915-GVTg_V5_1"));
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

/* Parents that are not PCI devices (mtty): their types in h->mdev_parents, sorted; a PCI address
 * in mdev_bus whose device entry was skipped is not taken for one. */
static void test_non_pci_mdev_parents(void **state)
{
	char *root = tt_mkdtemp();
	struct sysfs_host *h;
	const struct sysfs_mdev_type *t;

	(void)state;
	fs_add_device(root, PF, 0x8086, 0x3e92, 0x030000);
	fs_add_mdev_type(root, "mtty", "mtty-2", "Dual port mtty\n", "Dual port mtty\n", 12);
	fs_add_mdev_type(root, "mtty", "mtty-1", "Single port mtty\n", "Single port mtty\n", 24);
	fs_add_mdev_type(root, "aaa_sample", "aaa-1", "one\n", "", 1);
	fs_add_mdev(root, "mtty", "mtty-2", "00000000-0000-0000-0000-000000000200");
	/* a PCI address in mdev_bus without a device entry in the snapshot: not a non-PCI parent */
	fs_add_mdev_type(root, "0000:00:03.0", "i915-GVTg_V5_4", "GVTg_V5_4\n", "", 1);
	h = read_root(root, 0);
	assert_int_equal(h->n_mdev_parents, 2);
	assert_string_equal(h->mdev_parents[0].name, "aaa_sample");
	assert_string_equal(h->mdev_parents[1].name, "mtty");
	assert_int_equal(h->mdev_parents[1].n_types, 2);
	t = &h->mdev_parents[1].types[0];
	assert_string_equal(t->id, "mtty-1");
	assert_string_equal(t->name, "Single port mtty");
	assert_string_equal(t->device_api, "vfio-pci");
	assert_int_equal(t->available, 24);
	assert_int_equal(t->weight, -1);
	t = sysfs_host_mdev_type(h, "mtty", "mtty-2");
	assert_non_null(t);
	assert_int_equal(t->available, 12);
	assert_null(sysfs_host_mdev_type(h, "mtty", "mtty-3"));
	assert_null(sysfs_host_mdev_type(h, "0000:00:03.0", "i915-GVTg_V5_4"));
	assert_null(sysfs_host_mdev_type(h, PF, "mtty-2"));
	assert_int_equal(h->n_mdevs, 1);
	assert_string_equal(h->mdevs[0].parent, "mtty");
	assert_int_equal(sysfs_host_find(h, PF)->n_mdev_types, 0);
	assert_false(sysfs_host_find(h, PF)->mdev_parent);
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

/* A root with no sys/ at all: an empty host with one warning, not an error. */
static void test_empty_root(void **state)
{
	char *root = tt_mkdtemp();
	struct sysfs_host *h;

	(void)state;
	fs_set_iommu(root, false);
	h = read_root(root, SYSFS_READ_NAMES);
	assert_int_equal(h->n_devices, 0);
	assert_int_equal(h->n_warnings, 1);
	assert_non_null(strstr(h->warnings[0], "/sys/bus/pci/devices does not exist"));
	assert_false(h->iommu); /* the directory exists but is empty */
	assert_string_equal(h->kernel_release, "");
	assert_false(sysfs_host_module(h, "i915")->loaded);
	sysfs_host_free(h);
	tt_rmrf(root);
	free(root);
}

static void test_bdf_valid(void **state)
{
	(void)state;
	assert_true(sysfs_bdf_valid("0000:00:02.0"));
	assert_true(sysfs_bdf_valid("10000:e0:1f.7"));
	assert_false(sysfs_bdf_valid("0000:00:02"));
	assert_false(sysfs_bdf_valid("0000:00:20.0")); /* device > 0x1f */
	assert_false(sysfs_bdf_valid("0000:00:02.8"));
	assert_false(sysfs_bdf_valid("0000:00:0A.0")); /* the kernel spells lowercase */
	assert_false(sysfs_bdf_valid("00:02.0"));
	assert_false(sysfs_bdf_valid("../../etc"));
}

static void test_igpu_table(void **state)
{
	char buf[256];
	const struct sysfs_igpu_platform *pl;

	(void)state;
	assert_true(sysfs_igpu_table_len > 400);
	for (size_t i = 1; i < sysfs_igpu_table_len; i++)
		assert_true(sysfs_igpu_table[i - 1].device_id < sysfs_igpu_table[i].device_id);
	pl = sysfs_igpu_lookup(0x4c8a);
	assert_non_null(pl);
	assert_string_equal(pl->platform, "Rocket Lake");
	assert_int_equal(pl->virt, SYSFS_VIRT_NONE);
	assert_string_equal(sysfs_igpu_describe(pl, buf, sizeof(buf)),
	                    "Rocket Lake has neither SR-IOV nor GVT-g");
	pl = sysfs_igpu_lookup(0xa7a0);
	assert_int_equal(pl->virt, SYSFS_VIRT_SRIOV);
	assert_true(pl->sriov_i915_dkms);
	assert_true(pl->sriov_xe_dkms);
	assert_string_equal(pl->gfx_ip, "Gen12 Xe-LP");
	assert_non_null(strstr(sysfs_igpu_describe(pl, buf, sizeof(buf)),
	                       "Raptor Lake-P supports SR-IOV (i915-sriov-dkms, dkms xe"));
	pl = sysfs_igpu_lookup(0x3e92);
	assert_int_equal(pl->virt, SYSFS_VIRT_GVTG);
	assert_true(pl->gvt_g);
	assert_string_equal(sysfs_virt_name(pl->virt), "gvt-g");
	assert_string_equal(sysfs_virt_name(SYSFS_VIRT_SRIOV), "sriov");
	assert_string_equal(sysfs_virt_name(SYSFS_VIRT_NONE), "none");
	pl = sysfs_igpu_lookup(
	        0x5a85); /* Apollo Lake: kernel allows GVT-g, Intel does not list it */
	assert_non_null(pl);
	assert_false(pl->gvt_g);
	assert_null(sysfs_igpu_lookup(0x1234));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sriov_host),
	        cmocka_unit_test(test_without_names),
	        cmocka_unit_test(test_uevent_and_files_agree),
	        cmocka_unit_test(test_broken_entries_skipped),
	        cmocka_unit_test(test_names_from_root_pci_ids),
	        cmocka_unit_test(test_libpci_error_trapped),
	        cmocka_unit_test(test_gvtg_host),
	        cmocka_unit_test(test_module_param_choice),
	        cmocka_unit_test(test_vf_of_skipped_pf),
	        cmocka_unit_test(test_non_pci_mdev_parents),
	        cmocka_unit_test(test_empty_root),
	        cmocka_unit_test(test_bdf_valid),
	        cmocka_unit_test(test_igpu_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
