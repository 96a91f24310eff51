/* sysfs/driver.h - THE driver profile table: every way this tool shares a device, in one place
 * (in the spirit of pciutils' struct pci_methods).  A profile says which kernel module drives the
 * PF, which kernel command-line tokens set it up and which must not be there, which module
 * parameters tell its state, how the shares are made (sriov_numvfs or mdev instances) and
 * verified, whether the platform table must allow it, and which host rules only it needs.
 *
 * Adding a driver or platform = one entry in sysfs/driver.c (and its test); host setup, doctor,
 * status, the rules and the snapshot read everything they need from here instead of comparing
 * driver names themselves.  Pure data and lookups; no I/O. */
#ifndef PP_SYSFS_DRIVER_H
#define PP_SYSFS_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "sysfs/host.h"

/* The profiles; host/'s enum host_mode uses the same values. */
enum sysfs_profile_id {
	SYSFS_PROFILE_SRIOV_I915,    /* SR-IOV through the out-of-tree i915-sriov-dkms */
	SYSFS_PROFILE_SRIOV_XE,      /* SR-IOV through xe */
	SYSFS_PROFILE_GVTG,          /* GVT-g mdev instances through i915 + kvmgt */
	SYSFS_PROFILE_SRIOV_GENERIC, /* SR-IOV on any other PF (a NIC, an NVMe controller) */
	SYSFS_PROFILE_COUNT,
};

/* How the shares of a PF are made. */
enum sysfs_share_method {
	SYSFS_SHARE_VFS,  /* write N to the PF's sriov_numvfs (sysfs_sriov_set_numvfs) */
	SYSFS_SHARE_MDEV, /* PVE creates an mdev instance of a type at VM start */
};

struct sysfs_driver_profile {
	enum sysfs_profile_id id;
	const char *name;  /* the mode's name in journals and doctor: "sriov-i915" */
	const char *setup; /* the `host setup` arguments that choose it: "sriov --driver xe" */
	const char *driver_option; /* its `host setup sriov --driver` value, NULL when none */
	const char *module;        /* the PF's kernel module ("i915"), NULL: whatever drives it */
	const char *package;       /* an out-of-tree module it needs (dkms), NULL when in-tree */
	bool igpu;                 /* for the Intel iGPU: the platform table must allow it */
	/* does the iGPU platform support it (NULL: not an iGPU profile) */
	bool (*platform_can)(const struct sysfs_igpu_platform *pl);
	enum sysfs_share_method share;
	/* the module parameter that sets the VF count at boot ("max_vfs"), NULL when none; on the
	 * dkms i915 its mere presence tells the dkms module from the stock one */
	const char *vf_param;
	const char *const *params;        /* module parameters doctor and status read */
	const char *const *extra_modules; /* modules loaded beside it at boot ("kvmgt") */
	/* kernel command-line tokens setup writes; "%04x" in a token is the PF's device id */
	const char *const *tokens;
	const char *const *forbid; /* token keys that must not be set ("i915.enable_gvt") */
	const char *const
	        *forbid_items; /* list items that must not be set ("module_blacklist=xe") */
	/* /proc/cmdline token prefixes that show this profile is in use, for doctor */
	const char *const *detect;
	const char *verify; /* how setup verifies the shares, for people and the man page */
};

/* Every profile, in the order doctor tries their detect tokens (most specific first). */
extern const struct sysfs_driver_profile sysfs_driver_profiles[SYSFS_PROFILE_COUNT];

/* The profile of an id (never NULL for a valid id). */
const struct sysfs_driver_profile *sysfs_driver_profile(enum sysfs_profile_id id);
/* By its name ("sriov-xe"), or NULL. */
const struct sysfs_driver_profile *sysfs_driver_profile_by_name(const char *name);
/* The SR-IOV profile `host setup sriov --driver D` chooses, or NULL for an unknown D. */
const struct sysfs_driver_profile *sysfs_driver_profile_by_option(const char *driver);
/* True when drv (a PF's bound driver, "i915") is the module of an iGPU profile. */
bool sysfs_driver_is_igpu(const char *drv);
/* The parameters doctor and status read of a module ("i915": enable_guc, max_vfs, enable_gvt),
 * an empty list for a module no profile drives. */
const char *const *sysfs_driver_module_params(const char *module);
/* The --driver values joined by sep ("i915 or xe"), into buf; returns buf. */
char *sysfs_driver_options(char *buf, size_t n, const char *sep);

/* The kernel modules the snapshot reads (/sys/module/<name>) into out: every profile's module,
 * then the modules loaded beside them, then vfio_pci (PVE binds passed devices to it).
 * Returns the count (at most SYSFS_MODULES_MAX, sysfs/host.h). */
size_t sysfs_driver_modules(const char *out[SYSFS_MODULES_MAX]);

#endif
