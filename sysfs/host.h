/* sysfs/host.h - a plain snapshot of the host as the kernel shows it: PCI devices (libpci + sysfs
 * attributes), SR-IOV PF/VF relations, mdev types and instances, IOMMU, kernel, module parameters.
 *
 * Read once (one pass of directory reads), then plain data for everyone else (policy/, cli/).
 * Knows nothing of VMs.  Every path goes through --root (struct util_paths). */
#ifndef PP_SYSFS_HOST_H
#define PP_SYSFS_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

#define SYSFS_MODULES_MAX 8  /* kernel modules the snapshot reads (sysfs/driver.h) */
#define SYSFS_BDF_LEN     16 /* "0000:00:02.0" + NUL, with room */

enum sysfs_role {
	SYSFS_ROLE_DEVICE, /* no SR-IOV relation */
	SYSFS_ROLE_PF,     /* has the SR-IOV capability (sriov_totalvfs present) */
	SYSFS_ROLE_VF,     /* has a physfn link */
};

/* Which iGPU virtualization a platform supports (from shared/data/intel-igpu-ids.tsv). */
enum sysfs_virt {
	SYSFS_VIRT_NONE,
	SYSFS_VIRT_GVTG,
	SYSFS_VIRT_SRIOV,
};

/* One row of the generated Intel device-id table. */
struct sysfs_igpu_platform {
	unsigned device_id;
	const char *platform;  /* "Raptor Lake-P" */
	const char *marketing; /* "13th gen Core mobile" ... */
	const char *gfx_ip;    /* "Gen12" / "Xe-LPG" ... */
	enum sysfs_virt virt;  /* what the platform can do */
	bool gvt_g;
	bool sriov_i915_dkms;          /* SR-IOV through i915-sriov-dkms */
	bool sriov_xe_dkms;            /* SR-IOV through the dkms xe */
	const char *sriov_upstream_xe; /* as in the table ("-", "yes", "7.x" ...) */
	const char *notes;
};

/* Looks a device id up in the table (vendor 8086 assumed); NULL when not an Intel GPU id. */
const struct sysfs_igpu_platform *sysfs_igpu_lookup(unsigned device_id);

struct sysfs_mdev_type {
	char id[96];           /* directory name: "i915-GVTg_V5_4" */
	char name[96];         /* contents of name ("GVTg_V5_4"), "" when absent */
	char description[512]; /* raw text, newlines kept */
	char device_api[32];   /* "vfio-pci" */
	long available;        /* available_instances, -1 when unreadable */
	/* fields parsed from description ("low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n
	 * resolution: 1920x1200\nweight: 4"), -1 / "" when absent */
	long low_gm_mb, high_gm_mb, fence, weight;
	char resolution[32];
};

/* A live mdev instance (/sys/bus/mdev/devices/<uuid>). */
struct sysfs_mdev {
	char uuid[40];
	char type[96];              /* mdev_type link target's name */
	char parent[SYSFS_BDF_LEN]; /* parent device bdf (a non-PCI parent: its name, "mtty") */
};

/* An mdev parent that is not a PCI device: an entry of /sys/class/mdev_bus named otherwise than
 * a PCI address (the kernel's mtty sample: "mtty").  PCI parents keep their types in struct
 * sysfs_device. */
struct sysfs_mdev_parent {
	char name[64];
	struct sysfs_mdev_type *types; /* sorted by id */
	size_t n_types;
};

struct sysfs_device {
	char bdf[SYSFS_BDF_LEN];
	unsigned vendor, device; /* from the vendor/device files (VFs: not config space) */
	unsigned subsystem_vendor, subsystem_device;
	bool has_subsystem; /* the subsystem ids were there to read (PVE checks subsystem-id then) */
	unsigned class_code;                     /* 0x030000 */
	char vendor_name[128], device_name[128]; /* from pci.ids, "" when unknown */
	char driver[64];                         /* "" when unbound */
	char driver_override[64];                /* "" when unset ("(null)") */
	int iommu_group;                         /* -1 without IOMMU */
	enum sysfs_role role;
	/* PF: */
	int totalvfs, numvfs;       /* -1 when not a PF */
	char (*vfs)[SYSFS_BDF_LEN]; /* virtfn0.. in index order */
	size_t n_vfs;
	/* VF: */
	char physfn[SYSFS_BDF_LEN]; /* "" when not a VF */
	int vf_index;               /* N of the PF's virtfnN link, -1 when not a VF */
	/* mdev parent: */
	bool mdev_parent; /* has mdev_supported_types (listed in /sys/class/mdev_bus) */
	struct sysfs_mdev_type *mdev_types;
	size_t n_mdev_types;
	const struct sysfs_igpu_platform *platform; /* NULL unless vendor 8086 and class 03xxxx */
};

struct sysfs_module_param {
	char name[64];
	char value[128];
};

struct sysfs_module {
	char name[16]; /* "i915", "xe", "kvmgt", "vfio_pci" */
	bool loaded;   /* /sys/module/<name> exists */
	struct sysfs_module_param *params;
	size_t n_params;
};

struct sysfs_host {
	struct sysfs_device *devices; /* sorted by bdf */
	size_t n_devices;
	struct sysfs_mdev *mdevs;
	size_t n_mdevs;
	bool iommu;               /* /sys/class/iommu has an entry */
	char kernel_release[128]; /* /proc/sys/kernel/osrelease, "" when unreadable */
	char cmdline[4096];       /* /proc/cmdline */
	/* the modules of the driver profiles (sysfs_driver_modules: i915, xe, kvmgt, vfio_pci) */
	struct sysfs_module modules[SYSFS_MODULES_MAX];
	size_t n_modules;
	/* entries of devices/ that were skipped, with why (a half-written or broken entry) */
	char **warnings;
	size_t n_warnings;
	struct sysfs_mdev_parent *mdev_parents; /* non-PCI mdev parents, sorted by name */
	size_t n_mdev_parents;
};

/* Reads the whole snapshot under p's root.  0 or -errno with a message (libpci failures are caught
 * at this boundary and never exit the process). */
int sysfs_host_read(const struct util_paths *p, struct sysfs_host **out, struct util_err *e);
void sysfs_host_free(struct sysfs_host *h);

/* Optional parts of the snapshot for sysfs_host_read_flags() / sysfs_host_read_opts(). */
enum sysfs_read_flag {
	/* vendor_name/device_name from pci.ids: loading that file costs ~10 ms of CPU, so a
	 * caller on a hot path (the guard) leaves it out */
	SYSFS_READ_NAMES = 1,
	/* no module parameters (modules[].loaded is still read): a third fewer system calls on a
	 * host with i915 loaded */
	SYSFS_READ_NO_PARAMS = 2,
};
/* sysfs_host_read() is sysfs_host_read_flags(p, SYSFS_READ_NAMES, ...).  Without SYSFS_READ_NAMES
 * the names are "" and everything else is the same. */
int sysfs_host_read_flags(const struct util_paths *p, unsigned flags, struct sysfs_host **out,
                          struct util_err *e);

struct sysfs_read_opts {
	unsigned flags; /* enum sysfs_read_flag */
	/* NULL: every parameter of the modules read (none with SYSFS_READ_NO_PARAMS); else only
	 * these, "module.param" ("i915.max_vfs"), NULL-terminated (one read each, no listing);
	 * names of other modules are ignored, absent parameters are left out */
	const char *const *params;
};
/* sysfs_host_read_flags() with a choice of module parameters.  0 or -errno with a message. */
int sysfs_host_read_opts(const struct util_paths *p, const struct sysfs_read_opts *o,
                         struct sysfs_host **out, struct util_err *e);

/* True for a full PCI address as the kernel spells it: lowercase "dddd:bb:dd.f". */
bool sysfs_bdf_valid(const char *s);

/* The device with that bdf ("0000:00:02.1"), or NULL. */
const struct sysfs_device *sysfs_host_find(const struct sysfs_host *h, const char *bdf);
/* The mdev type (directory name, "i915-GVTg_V5_4") offered by parent (a PCI address or the name
 * of a non-PCI parent, "mtty"), or NULL. */
const struct sysfs_mdev_type *sysfs_host_mdev_type(const struct sysfs_host *h, const char *parent,
                                                   const char *type);
/* The module by name ("i915"), or NULL when not one the snapshot read. */
const struct sysfs_module *sysfs_host_module(const struct sysfs_host *h, const char *name);
/* A module parameter's value, or NULL when the module or the parameter is absent. */
const char *sysfs_host_module_param(const struct sysfs_host *h, const char *module,
                                    const char *param);

#endif
