/* sysfs/driver.c - the driver profile table (sysfs/driver.h): i915 with dkms, xe, GVT-g and the
 * generic SR-IOV PF.  Everything a new driver or platform needs is one entry here; nothing else in
 * the tree compares driver names.  Data and lookups only: no I/O. */
#include "sysfs/driver.h"

#include <stdio.h>
#include <string.h>

static bool can_i915(const struct sysfs_igpu_platform *pl)
{
	return pl->sriov_i915_dkms;
}

static bool can_xe(const struct sysfs_igpu_platform *pl)
{
	/* the dkms xe, or upstream xe ("yes", "yes (7.x, force_probe)") */
	return pl->sriov_xe_dkms ||
	       (pl->sriov_upstream_xe && strncmp(pl->sriov_upstream_xe, "yes", 3) == 0);
}

static bool can_gvtg(const struct sysfs_igpu_platform *pl)
{
	return pl->gvt_g;
}

static const char *const i915_params[] = {"enable_guc", "max_vfs", "enable_gvt", NULL};
static const char *const xe_params[] = {"max_vfs", "force_probe", NULL};
static const char *const none[] = {NULL};

/* Order: doctor tries the detect tokens in this order (GVT-g's enable_gvt before the max_vfs of
 * the SR-IOV drivers, xe before i915). */
const struct sysfs_driver_profile sysfs_driver_profiles[SYSFS_PROFILE_COUNT] = {
        {
                .id = SYSFS_PROFILE_GVTG,
                .name = "gvtg",
                .setup = "gvtg",
                .module = "i915",
                .igpu = true,
                .platform_can = can_gvtg,
                .share = SYSFS_SHARE_MDEV,
                .params = i915_params,
                .extra_modules = (const char *const[]){"kvmgt", NULL},
                .tokens = (const char *const[]){"intel_iommu=on", "i915.enable_gvt=1", NULL},
                .forbid = (const char *const[]){"i915.enable_guc", "i915.max_vfs", NULL},
                .forbid_items = (const char *const[]){"module_blacklist=i915", NULL},
                .detect = (const char *const[]){"i915.enable_gvt=1", "i915.enable_gvt=Y", NULL},
                .verify = "the PF offers mdev types (mdev_supported_types) with instances left",
        },
        {
                .id = SYSFS_PROFILE_SRIOV_XE,
                .name = "sriov-xe",
                .setup = "sriov --driver xe",
                .driver_option = "xe",
                .module = "xe",
                .igpu = true,
                .platform_can = can_xe,
                .share = SYSFS_SHARE_VFS,
                .vf_param = "max_vfs",
                .params = xe_params,
                .extra_modules = none,
                .tokens =
                        (const char *const[]){"intel_iommu=on", "xe.max_vfs=7",
                                              "xe.force_probe=%04x", "module_blacklist=i915", NULL},
                .forbid = (const char *const[]){"i915.enable_gvt", NULL},
                .forbid_items = (const char *const[]){"module_blacklist=xe", NULL},
                .detect = (const char *const[]){"xe.max_vfs=", NULL},
                .verify = "sriov_totalvfs > 0, then sriov_numvfs re-read and a virtfnN link "
                          "per VF",
        },
        {
                .id = SYSFS_PROFILE_SRIOV_I915,
                .name = "sriov-i915",
                .setup = "sriov",
                .driver_option = "i915",
                .module = "i915",
                .package = "i915-sriov-dkms",
                .igpu = true,
                .platform_can = can_i915,
                .share = SYSFS_SHARE_VFS,
                .vf_param = "max_vfs",
                .params = i915_params,
                .extra_modules = none,
                .tokens = (const char *const[]){"intel_iommu=on", "i915.enable_guc=3",
                                                "i915.max_vfs=7", "module_blacklist=xe", NULL},
                .forbid = (const char *const[]){"i915.enable_gvt", NULL},
                .forbid_items = (const char *const[]){"module_blacklist=i915", NULL},
                .detect = (const char *const[]){"i915.max_vfs=", NULL},
                .verify = "the running i915 has the max_vfs parameter (the dkms module), "
                          "sriov_totalvfs > 0, then sriov_numvfs re-read and a virtfnN link "
                          "per VF",
        },
        {
                .id = SYSFS_PROFILE_SRIOV_GENERIC,
                .name = "sriov-generic",
                .setup = "sriov --pf BDF",
                .share = SYSFS_SHARE_VFS,
                .params = none,
                .extra_modules = none,
                .tokens = none, /* the IOMMU token where the kernel needs one (host_iommu_token) */
                .forbid = none,
                .forbid_items = none,
                .detect = none,
                .verify = "sriov_numvfs re-read and a virtfnN link per VF, with "
                          "sriov_drivers_autoprobe off so no host driver takes them",
        },
};

const struct sysfs_driver_profile *sysfs_driver_profile(enum sysfs_profile_id id)
{
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++)
		if (sysfs_driver_profiles[i].id == id)
			return &sysfs_driver_profiles[i];
	return &sysfs_driver_profiles[0];
}

const struct sysfs_driver_profile *sysfs_driver_profile_by_name(const char *name)
{
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++)
		if (strcmp(sysfs_driver_profiles[i].name, name) == 0)
			return &sysfs_driver_profiles[i];
	return NULL;
}

const struct sysfs_driver_profile *sysfs_driver_profile_by_option(const char *driver)
{
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++)
		if (sysfs_driver_profiles[i].driver_option &&
		    strcmp(sysfs_driver_profiles[i].driver_option, driver) == 0)
			return &sysfs_driver_profiles[i];
	return NULL;
}

bool sysfs_driver_is_igpu(const char *drv)
{
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++)
		if (sysfs_driver_profiles[i].igpu &&
		    strcmp(sysfs_driver_profiles[i].module, drv) == 0)
			return true;
	return false;
}

char *sysfs_driver_options(char *buf, size_t n, const char *sep)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++) {
		const char *o = sysfs_driver_profiles[SYSFS_PROFILE_COUNT - 1 - i].driver_option;

		if (o && len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? sep : "", o);
	}
	return buf;
}

const char *const *sysfs_driver_module_params(const char *module)
{
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++)
		if (sysfs_driver_profiles[i].module &&
		    strcmp(sysfs_driver_profiles[i].module, module) == 0)
			return sysfs_driver_profiles[i].params;
	return none;
}

static bool listed(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

size_t sysfs_driver_modules(const char *out[SYSFS_MODULES_MAX])
{
	size_t n = 0;

	/* the PFs' modules first, then those loaded beside them, then vfio_pci */
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++) {
		const char *m = sysfs_driver_profiles[i].module;

		if (m && !listed(out, n, m) && n < SYSFS_MODULES_MAX)
			out[n++] = m;
	}
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++)
		for (const char *const *x = sysfs_driver_profiles[i].extra_modules; x && *x; x++)
			if (!listed(out, n, *x) && n < SYSFS_MODULES_MAX)
				out[n++] = *x;
	if (n < SYSFS_MODULES_MAX)
		out[n++] = "vfio_pci";
	return n;
}
