/* pveconf/commit.h - writing a VM config the way PVE does it safely (docs/pve.md section 4).
 *
 * Lock /var/lock/qemu-server/lock-<vmid>.conf, re-read the file under the lock, refuse if its
 * digest is not the one the change was planned against, write the new content to a temporary
 * file (util_file_write_atomic: unnamed O_TMPFILE, else <file>.pp-tmp.<pid>.<random>), re-read
 * and compare the digest once more immediately before rename(), then rename() it over
 * /etc/pve/nodes/<node>/qemu-server/<vmid>.conf.  Works on bytes: the caller produces them
 * (pveconf/vmconf.h), this file only guards and places them.
 *
 * The remaining window: a writer that ignores PVE's lock (a script running `sed -i`, which
 * renames its own temp file over the config) and renames between our last read and our rename()
 * - a few microseconds, one read() + SHA-1 of at most 1 MiB + rename() - loses its edit.  Writers
 * that take the lock (PVE itself, `qm set`) never lose anything. */
#ifndef PP_PVECONF_COMMIT_H
#define PP_PVECONF_COMMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/fileio.h"
#include "util/paths.h"

#define PVECONF_LOCK_TIMEOUT_MS 10000 /* PVE's lock_config timeout */

struct pveconf_commit_opts {
	int lock_timeout_ms; /* 0 = PVECONF_LOCK_TIMEOUT_MS */
	bool ignore_vm_lock; /* write even when the file on disk has `lock:` (never by default) */
	const struct util_write_opts *write; /* step hook for tests; NULL */
};

/* <root>/etc/pve/nodes/<node>/qemu-server/<vmid>.conf and <root>/var/lock/qemu-server/
 * lock-<vmid>.conf.  0 or -ENAMETOOLONG / -EINVAL (bad node name). */
int pveconf_vm_conf_path(const struct util_paths *p, const char *node, unsigned vmid, char *buf,
                         size_t n);
int pveconf_vm_lock_path(const struct util_paths *p, unsigned vmid, char *buf, size_t n);

/* Replaces the config of vmid on node with data.  expected_digest: SHA-1 hex of the bytes the
 * change was planned against (NULL: the file must not exist yet).  Returns 0 or:
 *   -ETIMEDOUT  another task holds the VM lock (CLI: exit 3)
 *   -ESTALE     the file changed meanwhile (digest differs; exit 3)
 *   -EBUSY      the config on disk has `lock: x` ("VM is locked (x)")
 *   -EEXIST     /etc/pve/.vmlist says the VMID lives on another node or is a container, or
 *               (expected_digest NULL) the file exists
 *   -ENOENT     no config for the VMID on this node
 *   -EFBIG      data larger than 1 MiB (pmxcfs' limit)
 *   -EINVAL     bad node name, or expected_digest is not 40 hex digits
 *   other -errno on I/O errors.  Every failure leaves the old file untouched. */
int pveconf_vm_commit(const struct util_paths *p, const char *node, unsigned vmid,
                      const char *expected_digest, const void *data, size_t len,
                      const struct pveconf_commit_opts *opts, struct util_err *e);

/* The temporary files our killed writes left under /etc/pve (pmxcfs replicates them to every
 * node): in /etc/pve/mapping and every node's qemu-server directory, appended to *shown as host
 * paths (util_tmp_stale_under).  audit and doctor report them (rule temp-file-left).  0 or
 * -ENOMEM. */
int pveconf_tmp_stale(const struct util_paths *p, char ***shown, size_t *n);

/* The `lock:` value of a config's main section, as PVE reads it (last one wins, one pair of
 * double quotes removed).  True, with the value in buf, when PVE considers the VM locked (any
 * value but "0"). */
bool pveconf_vm_lock_get(const char *data, size_t len, char *buf, size_t n);

#endif
