/* pveconf/cfslock.h - pmxcfs' cluster-wide locks, taken the way PVE's cfs_lock_file does
 * (pve-cluster PVE::Cluster): the lock is the directory /etc/pve/priv/lock/<lockid>, created with
 * mkdir (pmxcfs makes that atomic across the cluster); a holder that is gone is asked to give it
 * up with utime(dir, 0, 0), which pmxcfs honours once the lock is older than its 120 s expiry;
 * rmdir releases it.  lockid for a file is "file-" + its path under /etc/pve with '.' and '/' as
 * '_' ("file-mapping_pci_cfg"), so PVE's own writers of that file wait for us and we for them. */
#ifndef PP_PVECONF_CFSLOCK_H
#define PP_PVECONF_CFSLOCK_H

#include "util/err.h"
#include "util/paths.h"

struct pveconf_cfs_lock {
	char path[PP_PATH_MAX]; /* the lock directory, "" when not held */
	char id[128];           /* "file-mapping_pci_cfg" */
};

/* Takes the lock of file (relative to /etc/pve: "mapping/pci.cfg"), retrying for timeout_ms
 * (PVE: 10 s).  0, or -ETIMEDOUT ("cfs-lock 'ID' error: got lock request timeout"), -ENOENT when
 * /etc/pve/priv is missing ("pve cluster filesystem not online"), -errno with a message. */
int pveconf_cfs_lock_file(const struct util_paths *p, const char *file, int timeout_ms,
                          struct pveconf_cfs_lock *l, struct util_err *e);
/* Releases a held lock (rmdir); nothing when not held. */
void pveconf_cfs_unlock(struct pveconf_cfs_lock *l);

#endif
