/* Unit tests: sysfs/write.c against the fake kernel of tests/support/fakesys.c (VFs appear on
 * sriov_numvfs writes, EBUSY on N->M, ERANGE above totalvfs, ENOENT without an SR-IOV driver,
 * available_instances drops on create, drivers_probe honours driver_override), and the real
 * writer on plain files. */
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
#include "sysfs/write.h"

#define PF "0000:00:02.0"

struct fx {
	char *root;
	struct util_paths p;
	struct fs_kernel k;
	struct sysfs_writer w;
	struct util_err e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->root = tt_mkdtemp();
	fs_add_device(f->root, PF, 0x8086, 0xa7a0, 0x030000);
	fs_set_driver(f->root, PF, "i915");
	fs_set_group(f->root, PF, 0);
	fs_make_pf(f->root, PF, 7);
	tt_mkdir(f->root, "sys/bus/pci/drivers/vfio-pci");
	tt_write(f->root, "sys/bus/pci/drivers_probe", "");
	util_paths_init(&f->p, f->root);
	fs_kernel_init(&f->k, f->root);
	f->w.write = fs_kernel_write;
	f->w.arg = &f->k;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tt_rmrf(f->root);
	free(f->root);
	free(f);
	return 0;
}

static int numvfs(struct fx *f)
{
	char rel[128], *s;
	int v;

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/sriov_numvfs", PF);
	s = tt_read(f->root, rel, NULL);
	v = atoi(s);
	free(s);
	return v;
}

static void test_enable_then_change_goes_through_zero(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_host *h;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	assert_int_equal(res.before, 0);
	assert_int_equal(res.after, 3);
	assert_int_equal(res.n_vfs, 3);
	assert_false(res.partial);
	assert_int_equal(f->k.n_log, 1);
	assert_string_equal(f->k.log[0].path, "/sys/bus/pci/devices/" PF "/sriov_numvfs");
	assert_string_equal(f->k.log[0].data, "3");

	/* 3 -> 5: the kernel says EBUSY to N->M, so the code writes 0 first */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e), 0);
	assert_int_equal(f->k.n_log, 3);
	assert_string_equal(f->k.log[1].data, "0");
	assert_int_equal(f->k.log[1].result, 0);
	assert_string_equal(f->k.log[2].data, "5");
	assert_int_equal(res.before, 3);
	assert_int_equal(res.after, 5);
	assert_int_equal(res.n_vfs, 5);
	h = NULL;
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_int_equal(sysfs_host_find(h, PF)->n_vfs, 5);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.5")->physfn, PF);
	sysfs_host_free(h);

	/* same count: nothing written */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e), 0);
	assert_true(res.unchanged);
	assert_int_equal(f->k.n_log, 3);

	/* to 0: one write, VFs gone */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 0, NULL, 0, &res, &f->e), 0);
	assert_int_equal(f->k.n_log, 4);
	assert_int_equal(res.after, 0);
	assert_int_equal(res.n_vfs, 0);
	assert_null(tt_read(f->root, "sys/bus/pci/devices/0000:00:02.1/vendor", NULL));
}

/* The fake kernel itself answers N->M with EBUSY (what the code avoids above). */
static void test_fake_kernel_busy_on_n_to_m(void **state)
{
	struct fx *f = *state;
	char path[4096];

	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/" PF "/sriov_numvfs", f->root);
	assert_int_equal(sysfs_attr_write(&f->w, path, "2"), 0);
	assert_int_equal(sysfs_attr_write(&f->w, path, "4"), -EBUSY);
	assert_int_equal(sysfs_attr_write(&f->w, path, "8"), -ERANGE);
	assert_int_equal(numvfs(f), 2);
}

static void test_refuse_above_total(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 8, NULL, 0, &res, &f->e),
	                 -ERANGE);
	assert_string_equal(f->e.msg, PF ": cannot enable 8 VFs: the PF offers at most 7");
	assert_int_equal(f->k.n_log, 0);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, -1, NULL, 0, &res, &f->e),
	                 -EINVAL);
}

/* The stock driver (or the dkms one without max_vfs) offers sriov_totalvfs 0. */
static void test_totalvfs_zero_says_max_vfs(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	tt_write(f->root, "sys/devices/pci0000:00/" PF "/sriov_totalvfs", "0\n");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 7, NULL, 0, &res, &f->e),
	                 -ERANGE);
	assert_non_null(strstr(f->e.msg, "sriov_totalvfs is 0"));
	assert_non_null(strstr(f->e.msg, "i915.max_vfs=7"));
}

static void test_enoent_without_driver(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	fs_set_driver(f->root, PF, NULL);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_int_equal(f->k.log[0].result, -ENOENT);
	assert_non_null(strstr(f->e.msg, "no driver is bound to the PF"));
	assert_null(strstr(f->e.msg, "No such file"));
	/* the PF on vfio-pci: its own diagnosis */
	fs_set_driver(f->root, PF, "vfio-pci");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_non_null(strstr(f->e.msg, "the PF is bound to vfio-pci"));
}

/* Not a GPU (an SR-IOV NVMe controller, as in the real-kernel tier): no i915 advice. */
static void test_enoent_other_pf(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	const char *nvme = "0000:01:00.0";

	fs_add_device(f->root, nvme, 0x1b36, 0x0010, 0x010802);
	fs_make_pf(f->root, nvme, 4);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, nvme, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_string_equal(f->e.msg,
	                    "0000:01:00.0: cannot set sriov_numvfs: no driver is bound to "
	                    "the PF, so the kernel cannot configure SR-IOV; bind the PF "
	                    "to its driver first");
	fs_set_driver(f->root, nvme, "nvme");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, nvme, 5, NULL, 0, &res, &f->e),
	                 -ERANGE);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, nvme, 2, NULL, 0, &res, &f->e), 0);
	assert_int_equal(res.n_vfs, 2);
}

static void test_enoent_stock_driver(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = ENOENT;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_non_null(strstr(f->e.msg, "driver i915 does not support SR-IOV configuration"));
	assert_non_null(strstr(f->e.msg, "i915-sriov-dkms"));
}

/* Rocket Lake: no SR-IOV capability at all; the message names the platform. */
static void test_rocket_lake_has_neither(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	fs_add_device(f->root, "0000:00:02.0", 0x8086, 0x4c8a, 0x030000); /* ids rewritten */
	tt_write(f->root, "sys/devices/pci0000:00/" PF "/sriov_totalvfs", "");
	{
		char full[4096];

		snprintf(full, sizeof(full), "%s/sys/devices/pci0000:00/" PF "/sriov_totalvfs",
		         f->root);
		remove(full);
	}
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -EOPNOTSUPP);
	assert_non_null(strstr(f->e.msg, "Rocket Lake has neither SR-IOV nor GVT-g"));
	assert_int_equal(f->k.n_log, 0);
}

static void test_errno_translations(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = ENOMEM;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 7, NULL, 0, &res, &f->e),
	                 -ENOMEM);
	assert_non_null(strstr(f->e.msg, "not enough MMIO resources"));
	assert_non_null(strstr(f->e.msg, "Above 4G Decoding"));
	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = EIO;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 7, NULL, 0, &res, &f->e), -EIO);
	assert_non_null(strstr(f->e.msg, "try fewer VFs"));
	/* a failure after the way through 0 says the old VFs are gone */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e), 0);
	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_skip = 1; /* the 0 passes, the 5 fails */
	f->k.fail_errno = ENOMEM;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e),
	                 -ENOMEM);
	assert_non_null(strstr(f->e.msg, "the PF had 2 VFs; they were disabled on the way"));
	assert_int_equal(numvfs(f), 0);
	assert_int_equal(res.after, 0);
	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = EBUSY;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "set it to 0 first"));
}

/* Loses every "0" written to sriov_numvfs (reports success, never reaches the fake kernel): as if
 * something re-enabled the VFs between the two writes of N -> 0 -> M. */
static int lose_zero(void *arg, const char *path, const char *data, size_t len)
{
	size_t plen = strlen(path);

	if (plen >= 13 && strcmp(path + plen - 13, "/sriov_numvfs") == 0 && data[0] == '0')
		return 0;
	return fs_kernel_write(arg, path, data, len);
}

/* The kernel's EBUSY at M (the 0 did not take): the message says what sriov_numvfs reads now
 * rather than claiming the VFs were disabled. */
static void test_failure_note_true_to_state(void **state)
{
	struct fx *f = *state;
	struct sysfs_writer lose = {lose_zero, &f->k};
	struct sysfs_numvfs_result res;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &lose, PF, 2, NULL, 0, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "set it to 0 first"));
	assert_non_null(strstr(f->e.msg, "the PF had 3 VFs; sriov_numvfs reads 3 now"));
	assert_null(strstr(f->e.msg, "disabled on the way"));
	assert_int_equal(res.before, 3);
	assert_int_equal(res.after, 3);
	assert_int_equal(numvfs(f), 3);
}

static void test_refuse_vf_in_use(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_vf_use use[1] = {{"0000:00:02.2", "VM 100 is running with it (hostpci0)"}};
	size_t n;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	n = f->k.n_log;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 0, use, 1, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "VF 0000:00:02.2 is in use (VM 100 is running with it"));
	assert_int_equal(f->k.n_log, n); /* nothing written */
	assert_int_equal(numvfs(f), 3);
	/* bound to vfio-pci: sysfs sees that itself */
	fs_set_driver(f->root, "0000:00:02.3", "vfio-pci");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "VF 0000:00:02.3 is bound to vfio-pci"));
	assert_int_equal(f->k.n_log, n);
	/* unchanged count: not a change, so not refused */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, use, 1, &res, &f->e), 0);
	assert_true(res.unchanged);
}

static void test_partial_enable_reported(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	f->k.vf_limit = 2;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 4, NULL, 0, &res, &f->e), 0);
	assert_true(res.partial);
	assert_int_equal(res.after, 2);
	assert_int_equal(res.n_vfs, 2);
	assert_non_null(strstr(res.note, "asked for 4 VFs, the driver enabled 2"));
}

static void test_mdev_create_remove(void **state)
{
	struct fx *f = *state;
	char uuid[40], *s;
	struct sysfs_host *h = NULL;
	long avail;

	fs_add_mdev_type(f->root, PF, "i915-GVTg_V5_4", "GVTg_V5_4\n", "fence: 4\n", 2);
	fs_add_mdev_type(f->root, PF, "i915-GVTg_V5_1", "GVTg_V5_1\n", "fence: 4\n", 0);
	assert_int_equal(sysfs_mdev_uuid(0, 100, uuid, sizeof(uuid)), 0);
	assert_string_equal(uuid, "00000000-0000-0000-0000-000000000100");
	assert_int_equal(sysfs_mdev_uuid(3, 123456, uuid, sizeof(uuid)), 0);
	assert_string_equal(uuid, "00000003-0000-0000-0000-000000123456");
	assert_int_equal(sysfs_mdev_uuid(0, 100, uuid, 36), -EINVAL);

	assert_int_equal(sysfs_mdev_uuid(0, 100, uuid, sizeof(uuid)), 0);
	assert_int_equal(sysfs_mdev_available(&f->p, PF, "i915-GVTg_V5_4", &avail, &f->e), 0);
	assert_int_equal(avail, 2);
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_4", uuid, &f->e), 0);
	assert_int_equal(sysfs_mdev_available(&f->p, PF, "i915-GVTg_V5_4", &avail, &f->e), 0);
	assert_int_equal(avail, 1);
	assert_int_equal(sysfs_mdev_available(&f->p, PF, "i915-GVTg_V5_9", &avail, &f->e), -ENOENT);
	s = tt_read(f->root,
	            "sys/devices/pci0000:00/" PF
	            "/mdev_supported_types/i915-GVTg_V5_4/available_instances",
	            NULL);
	assert_string_equal(s, "1\n");
	free(s);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_int_equal(h->n_mdevs, 1);
	assert_string_equal(h->mdevs[0].uuid, uuid);
	assert_string_equal(h->mdevs[0].type, "i915-GVTg_V5_4");
	assert_string_equal(h->mdevs[0].parent, PF);
	assert_int_equal(sysfs_host_find(h, PF)->mdev_types[1].available, 1);
	sysfs_host_free(h);

	/* the same UUID again: the kernel's EEXIST, explained */
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_4", uuid, &f->e),
	                 -EEXIST);
	assert_non_null(strstr(f->e.msg, "exists already"));
	/* exhausted type: refused before writing */
	{
		size_t n = f->k.n_log;

		assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_1",
		                                   "00000001-0000-0000-0000-000000000100", &f->e),
		                 -EUSERS);
		assert_non_null(strstr(f->e.msg, "no instance left"));
		assert_int_equal(f->k.n_log, n);
	}
	/* the last instance taken meanwhile: the kernel's EUSERS */
	f->k.fail_suffix = "/create";
	f->k.fail_errno = EUSERS;
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_4",
	                                   "00000001-0000-0000-0000-000000000101", &f->e),
	                 -EUSERS);
	assert_non_null(strstr(f->e.msg, "took the last one meanwhile"));
	f->k.fail_suffix = "/create";
	f->k.fail_errno = EINVAL;
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_4",
	                                   "00000001-0000-0000-0000-000000000101", &f->e),
	                 -EINVAL);
	assert_non_null(strstr(f->e.msg, "rejected UUID"));
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_9", uuid, &f->e),
	                 -ENOENT);
	assert_non_null(strstr(f->e.msg, "has no mdev type 'i915-GVTg_V5_9'"));
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "../x", uuid, &f->e), -EINVAL);
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_4", "nope", &f->e),
	                 -EINVAL);

	assert_int_equal(sysfs_mdev_remove(&f->p, &f->w, uuid, &f->e), 0);
	assert_string_equal(f->k.log[f->k.n_log - 1].data, "1");
	s = tt_read(f->root,
	            "sys/devices/pci0000:00/" PF
	            "/mdev_supported_types/i915-GVTg_V5_4/available_instances",
	            NULL);
	assert_string_equal(s, "2\n");
	free(s);
	assert_int_equal(sysfs_mdev_remove(&f->p, &f->w, uuid, &f->e), -ENOENT);
	assert_non_null(strstr(f->e.msg, "no mdev"));
}

/* A parent that is not a PCI device: the kernel's mtty sample (as in the real-kernel tier). */
static void test_mdev_virtual_parent(void **state)
{
	struct fx *f = *state;
	const char *uuid = "00000000-0000-0000-0000-000000000200";
	struct sysfs_host *h = NULL;
	long avail;

	fs_add_mdev_type(f->root, "mtty", "mtty-2", "Dual port mtty\n", "", 12);
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, "mtty", "mtty-2", uuid, &f->e), 0);
	assert_int_equal(sysfs_mdev_available(&f->p, "mtty", "mtty-2", &avail, &f->e), 0);
	assert_int_equal(avail, 11);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_int_equal(h->n_mdevs, 1);
	assert_string_equal(h->mdevs[0].parent, "mtty");
	assert_string_equal(h->mdevs[0].type, "mtty-2");
	sysfs_host_free(h);
	assert_int_equal(sysfs_mdev_remove(&f->p, &f->w, uuid, &f->e), 0);
	assert_int_equal(sysfs_mdev_available(&f->p, "mtty", "mtty-2", &avail, &f->e), 0);
	assert_int_equal(avail, 12);
	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, "nosuch", "mtty-2", uuid, &f->e), -ENODEV);
}

static void test_mdev_without_gvt(void **state)
{
	struct fx *f = *state;

	assert_int_equal(sysfs_mdev_create(&f->p, &f->w, PF, "i915-GVTg_V5_4",
	                                   "00000000-0000-0000-0000-000000000100", &f->e),
	                 -ENOENT);
	assert_non_null(strstr(f->e.msg, "offers no mdev types"));
	assert_non_null(strstr(f->e.msg, "kvmgt"));
}

static void test_bind_and_undo(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_bind_undo undo;
	const char *vf = "0000:00:02.1";
	char *s;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e), 0);
	fs_set_driver(f->root, vf, "i915"); /* a media server grabbed it */
	f->k.probe_default = "i915";
	f->k.n_log = 0;
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, vf, "vfio-pci", &undo, &f->e), 0);
	assert_true(undo.changed);
	assert_string_equal(undo.driver, "i915");
	assert_string_equal(undo.override, "");
	assert_int_equal(f->k.n_log, 3);
	assert_string_equal(f->k.log[0].path, "/sys/bus/pci/devices/0000:00:02.1/driver_override");
	assert_string_equal(f->k.log[0].data, "vfio-pci");
	assert_string_equal(f->k.log[1].path, "/sys/bus/pci/drivers/i915/unbind");
	assert_string_equal(f->k.log[1].data, vf);
	assert_string_equal(f->k.log[2].path, "/sys/bus/pci/drivers_probe");
	{
		struct sysfs_host *h = NULL;

		assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
		assert_string_equal(sysfs_host_find(h, vf)->driver, "vfio-pci");
		assert_string_equal(sysfs_host_find(h, vf)->driver_override, "vfio-pci");
		sysfs_host_free(h);
	}
	/* already bound: nothing to do, nothing to undo */
	{
		struct sysfs_bind_undo again;
		size_t n = f->k.n_log;

		assert_int_equal(sysfs_driver_bind(&f->p, &f->w, vf, "vfio-pci", &again, &f->e), 0);
		assert_false(again.changed);
		assert_int_equal(f->k.n_log, n);
	}
	assert_int_equal(sysfs_driver_bind_undo(&f->p, &f->w, &undo, &f->e), 0);
	s = tt_read(f->root, "sys/devices/pci0000:00/0000:00:02.1/driver_override", NULL);
	assert_string_equal(s, "(null)\n");
	free(s);
	{
		struct sysfs_host *h = NULL;

		assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
		assert_string_equal(sysfs_host_find(h, vf)->driver, "i915");
		sysfs_host_free(h);
	}
}

/* vfio-pci not loaded: drivers_probe "succeeds", nothing binds; the link check catches it and
 * the previous driver is put back. */
static void test_bind_verified(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_bind_undo undo;
	const char *vf = "0000:00:02.1";
	char cmd[4200];

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 1, NULL, 0, &res, &f->e), 0);
	fs_set_driver(f->root, vf, "i915");
	f->k.probe_default = "i915";
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/bus/pci/drivers/vfio-pci'", f->root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, vf, "vfio-pci", &undo, &f->e), -EIO);
	assert_non_null(strstr(f->e.msg, "not bound to vfio-pci after drivers_probe"));
	assert_non_null(strstr(f->e.msg, "driver vfio-pci is not registered"));
	assert_non_null(strstr(f->e.msg, "modprobe vfio-pci"));
	assert_null(strstr(f->e.msg, "IOMMU"));
	assert_non_null(strstr(f->e.msg, "The previous driver was restored."));
	{
		struct sysfs_host *h = NULL;

		assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
		assert_string_equal(sysfs_host_find(h, vf)->driver, "i915");
		assert_string_equal(sysfs_host_find(h, vf)->driver_override, "");
		sysfs_host_free(h);
	}
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, "0000:00:09.0", "vfio-pci", &undo, &f->e),
	                 -ENODEV);
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, "bogus", "vfio-pci", &undo, &f->e),
	                 -EINVAL);
}

/* vfio-pci loaded, but the VF has no IOMMU group (booted without intel_iommu=on): vfio-pci's
 * probe refuses it, and the message names that cause, not the module. */
static void test_bind_without_iommu_group(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_bind_undo undo;
	const char *vf = "0000:00:02.1";
	char path[4200];

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 1, NULL, 0, &res, &f->e), 0);
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/%s/iommu_group", f->root, vf);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, vf, "vfio-pci", &undo, &f->e), -EIO);
	assert_non_null(strstr(f->e.msg, "not bound to vfio-pci after drivers_probe"));
	assert_non_null(strstr(f->e.msg, "no IOMMU group"));
	assert_non_null(strstr(f->e.msg, "no IOMMU is active"));
	assert_non_null(strstr(f->e.msg, "intel_iommu=on"));
	assert_non_null(strstr(f->e.msg, "VT-d"));
	assert_null(strstr(f->e.msg, "modprobe"));
	assert_non_null(strstr(f->e.msg, "It was left unbound, as before."));
	/* an IOMMU present that does not cover the device: said so */
	fs_set_iommu(f->root, true);
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, vf, "vfio-pci", &undo, &f->e), -EIO);
	assert_non_null(strstr(f->e.msg, "the IOMMU is on but does not cover this device"));
	/* with its group back, the same bind works */
	fs_set_group(f->root, vf, 100);
	assert_int_equal(sysfs_driver_bind(&f->p, &f->w, vf, "vfio-pci", &undo, &f->e), 0);
}

/* sriov_drivers_autoprobe through the writer: off, new VFs stay unbound; on, the driver takes
 * them as they appear (the fake kernel probes them with probe_default). */
static void test_autoprobe(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_host *h = NULL;
	char *s;

	f->k.probe_default = "i915";
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, false, &f->e), 0);
	assert_int_equal(f->k.n_log, 1);
	assert_string_equal(f->k.log[0].path,
	                    "/sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe");
	assert_string_equal(f->k.log[0].data, "0");
	s = tt_read(f->root, "sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe", NULL);
	assert_string_equal(s, "0");
	free(s);
	/* already off: nothing written */
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, false, &f->e), 0);
	assert_int_equal(f->k.n_log, 1);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e), 0);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.1")->driver, "");
	assert_string_equal(sysfs_host_find(h, "0000:00:02.2")->driver, "");
	sysfs_host_free(h);
	/* on again: the next VFs are probed */
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, true, &f->e), 0);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.3")->driver, "i915");
	sysfs_host_free(h);
	/* refused where there is no SR-IOV, and errors translated */
	fs_add_device(f->root, "0000:00:1f.0", 0x8086, 0x7a04, 0x060100);
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, "0000:00:1f.0", false, &f->e),
	                 -EOPNOTSUPP);
	assert_non_null(strstr(f->e.msg, "not an SR-IOV device"));
	f->k.fail_suffix = "/sriov_drivers_autoprobe";
	f->k.fail_errno = EACCES;
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, false, &f->e), -EACCES);
	assert_non_null(strstr(f->e.msg, "cannot set sriov_drivers_autoprobe to 0"));
}

/* A plain unbind (the PF from its driver), verified, and undone with sysfs_driver_bind_undo. */
static void test_unbind(void **state)
{
	struct fx *f = *state;
	struct sysfs_bind_undo undo;
	struct sysfs_host *h = NULL;
	char *s;

	f->k.probe_default = "i915";
	assert_int_equal(sysfs_driver_unbind(&f->p, &f->w, PF, &undo, &f->e), 0);
	assert_true(undo.changed);
	assert_string_equal(undo.driver, "i915");
	assert_int_equal(f->k.n_log, 1);
	assert_string_equal(f->k.log[0].path, "/sys/bus/pci/drivers/i915/unbind");
	assert_string_equal(f->k.log[0].data, PF);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_string_equal(sysfs_host_find(h, PF)->driver, "");
	assert_string_equal(sysfs_host_find(h, PF)->driver_override, "");
	sysfs_host_free(h);
	/* unbound already: nothing written, nothing to undo */
	{
		struct sysfs_bind_undo again;

		assert_int_equal(sysfs_driver_unbind(&f->p, &f->w, PF, &again, &f->e), 0);
		assert_false(again.changed);
		assert_int_equal(f->k.n_log, 1);
		assert_int_equal(sysfs_driver_unbind(&f->p, &f->w, PF, NULL, &f->e), 0);
	}
	assert_int_equal(sysfs_driver_bind_undo(&f->p, &f->w, &undo, &f->e), 0);
	s = tt_read(f->root, "sys/devices/pci0000:00/" PF "/uevent", NULL);
	assert_non_null(strstr(s, "DRIVER=i915"));
	free(s);
	/* the driver refuses: the link is still there, the message says so */
	f->k.fail_suffix = "/unbind";
	f->k.fail_errno = EBUSY;
	assert_int_equal(sysfs_driver_unbind(&f->p, &f->w, PF, &undo, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "cannot unbind it from i915"));
	assert_non_null(strstr(f->e.msg, "now: i915"));
	assert_int_equal(sysfs_driver_unbind(&f->p, &f->w, "0000:00:09.0", &undo, &f->e), -ENODEV);
	assert_int_equal(sysfs_driver_unbind(&f->p, &f->w, "bogus", &undo, &f->e), -EINVAL);
}

static void test_real_writer(void **state)
{
	struct fx *f = *state;
	char path[4096], *s;

	(void)f;
	tt_write(f->root, "attr", "old contents\n");
	snprintf(path, sizeof(path), "%s/attr", f->root);
	assert_int_equal(sysfs_attr_write(NULL, path, "7"), 0);
	s = tt_read(f->root, "attr", NULL);
	assert_string_equal(s, "7");
	free(s);
	/* never creates: a missing attribute is ENOENT, as in sysfs */
	snprintf(path, sizeof(path), "%s/missing", f->root);
	assert_int_equal(sysfs_attr_write(NULL, path, "7"), -ENOENT);
	assert_null(tt_read(f->root, "missing", NULL));
	snprintf(path, sizeof(path), "%s", f->root);
	assert_int_equal(sysfs_attr_write(NULL, path, "7"), -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_enable_then_change_goes_through_zero, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_fake_kernel_busy_on_n_to_m, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refuse_above_total, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_totalvfs_zero_says_max_vfs, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_enoent_without_driver, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_enoent_other_pf, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_enoent_stock_driver, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_rocket_lake_has_neither, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_errno_translations, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_failure_note_true_to_state, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refuse_vf_in_use, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_partial_enable_reported, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mdev_create_remove, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mdev_virtual_parent, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mdev_without_gvt, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bind_and_undo, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bind_verified, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bind_without_iommu_group, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_autoprobe, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unbind, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_real_writer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
