/* sysfs/write.h - every change the tool makes to /sys: the SR-IOV VF count and the PF's VF
 * autoprobe (binding drivers and creating mdevs is PVE's, at VM start: the tool only reads them).
 * All of it goes through ONE attribute-write function that tests (and the real-kernel tier) can
 * replace: record writes, inject errors, simulate the kernel's reactions.
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

#endif
