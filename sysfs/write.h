/* sysfs/write.h - every change the tool makes to /sys: the SR-IOV VF count, mdev instances, driver
 * binding.  All of it goes through ONE attribute-write function that tests (and the real-kernel
 * tier) can replace: record writes, inject errors, simulate the kernel's reactions.
 *
 * Each operation re-reads what it needs from sysfs itself (no snapshot), checks before writing,
 * verifies after, and turns the kernel's errno into a sentence saying what is wrong and what to do.
 * sysfs/ knows nothing of VMs: which VFs are in use by VMs comes from the caller as plain data. */
#ifndef PP_SYSFS_WRITE_H
#define PP_SYSFS_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "sysfs/host.h"
#include "util/err.h"
#include "util/paths.h"

struct sysfs_writer {
	/* Writes len bytes of data to the attribute at path (already under --root) in one write(2).
	 * 0 or -errno. */
	int (*write)(void *arg, const char *path, const char *data, size_t len);
	void *arg;
};

/* The real writer: open(O_WRONLY | O_TRUNC, never O_CREAT), one write, close.  0 or -errno
 * (a short write is -EIO).  arg is unused. */
int sysfs_attr_write_real(void *arg, const char *path, const char *data, size_t len);

/* Writes the string data through w (NULL: the real writer).  0 or -errno, no message. */
int sysfs_attr_write(const struct sysfs_writer *w, const char *path, const char *data);

/* ---- SR-IOV */

/* A VF the caller knows to be in use (from VM configs, running VMs, the reservation file). */
struct sysfs_vf_use {
	char bdf[SYSFS_BDF_LEN];
	char reason[160]; /* "VM 100 is running with it (hostpci0)" */
};

struct sysfs_numvfs_result {
	int before; /* sriov_numvfs before */
	int total;  /* sriov_totalvfs */
	int requested;
	int after;      /* sriov_numvfs re-read afterwards (also after a failed N -> 0 -> M) */
	size_t n_vfs;   /* virtfnN links found afterwards */
	bool unchanged; /* already at the requested count: nothing written */
	bool partial;   /* the driver enabled fewer than requested (still a success) */
	char note[256]; /* a sentence about a partial enable, else "" */
};

/* The checks of sysfs_sriov_set_numvfs() without writing (`host vfs N --dry-run`): 0 when the
 * change may be made (res: before, total, n_vfs, unchanged) or -errno with the same message. */
int sysfs_sriov_check_numvfs(const struct util_paths *p, const char *pf, int n,
                             const struct sysfs_vf_use *in_use, size_t n_in_use,
                             struct sysfs_numvfs_result *res, struct util_err *e);

/* Sets the VF count of the PF pf to n:
 *  - refuses (-ERANGE) above sriov_totalvfs, (-EOPNOTSUPP) on a device without SR-IOV;
 *  - refuses (-EBUSY) while any current VF is in in_use[] or bound to vfio-pci;
 *  - from a non-zero count to a different non-zero count, writes 0 first;
 *  - re-reads sriov_numvfs and the virtfnN links afterwards (res->partial when fewer came up);
 *  - translates the kernel's ENOENT/ERANGE/EBUSY/ENOMEM/EIO into the cause and the fix.
 * 0 (res filled) or -errno with a message. */
int sysfs_sriov_set_numvfs(const struct util_paths *p, const struct sysfs_writer *w, const char *pf,
                           int n, const struct sysfs_vf_use *in_use, size_t n_in_use,
                           struct sysfs_numvfs_result *res, struct util_err *e);

/* Sets sriov_drivers_autoprobe of the PF pf: whether drivers probe its VFs as they appear (off:
 * new VFs stay unbound until bound explicitly, e.g. to vfio-pci).  Re-read to verify.
 * -EOPNOTSUPP on a device without SR-IOV.  0 or -errno with a message. */
int sysfs_sriov_set_autoprobe(const struct util_paths *p, const struct sysfs_writer *w,
                              const char *pf, bool on, struct util_err *e);

/* ---- mdev */

/* PVE's UUID for the mdev of VM vmid's hostpci<index>: "%08d-0000-0000-0000-%012d" (index, vmid).
 * buf needs 37 bytes.  0 or -EINVAL (out of range). */
int sysfs_mdev_uuid(unsigned index, unsigned vmid, char *buf, size_t n);

/* Creates an mdev of type (directory name, "i915-GVTg_V5_4") on parent (its name in
 * /sys/class/mdev_bus: a PCI address, or e.g. "mtty" for the kernel's sample driver) with that UUID, after
 * checking that the type exists and has an instance left; verifies the instance appeared.
 * EINVAL/EEXIST/EUSERS and others translated.  0 or -errno with a message. */
int sysfs_mdev_create(const struct util_paths *p, const struct sysfs_writer *w, const char *parent,
                      const char *type, const char *uuid, struct util_err *e);

/* available_instances of type on parent (name in /sys/class/mdev_bus, PCI or not), read now.
 * 0 or -errno with a message. */
int sysfs_mdev_available(const struct util_paths *p, const char *parent, const char *type,
                         long *out, struct util_err *e);

/* Removes an mdev instance (writes 1 to its remove).  The caller must know no VM holds it (the
 * write blocks until released).  0 or -errno with a message. */
int sysfs_mdev_remove(const struct util_paths *p, const struct sysfs_writer *w, const char *uuid,
                      struct util_err *e);

/* ---- driver binding */

/* What sysfs_driver_bind() changed, to undo it. */
struct sysfs_bind_undo {
	char bdf[SYSFS_BDF_LEN];
	char driver[64];   /* bound before, "" when none */
	char override[64]; /* driver_override before, "" when unset */
	bool changed;      /* false: it was already bound to the driver, nothing to undo */
};

/* Binds bdf to driver ("vfio-pci"): driver_override, unbind from the current driver,
 * drivers_probe, then checks the driver link.  When the check fails the previous state is
 * restored before returning the error, whose message names the cause sysfs shows: the driver not
 * registered (module not loaded), or for vfio-pci a device without an IOMMU group (IOMMU off).
 * 0 or -errno with a message; undo is filled either way. */
int sysfs_driver_bind(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                      const char *driver, struct sysfs_bind_undo *undo, struct util_err *e);

/* Unbinds bdf from the driver it has (writes its bdf to that driver's unbind), leaving
 * driver_override alone, and checks the driver link is gone.  Already unbound: nothing written.
 * undo (may be NULL) is filled so that sysfs_driver_bind_undo() binds it back.
 * 0 or -errno with a message. */
int sysfs_driver_unbind(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                        struct sysfs_bind_undo *undo, struct util_err *e);

/* Puts back the driver_override and the driver recorded in undo (drivers_probe, falling back to
 * the driver's bind file), and checks the driver link.  0 or -errno with a message. */
int sysfs_driver_bind_undo(const struct util_paths *p, const struct sysfs_writer *w,
                           const struct sysfs_bind_undo *undo, struct util_err *e);

#endif
