/* sysfs/write.c - the tool's changes to /sys (sysfs/write.h): one injectable attribute writer,
 * the SR-IOV VF count, mdev create/remove, driver binding with undo.
 * Checks before every write, re-reads after it, and explains the kernel's errno.
 * Must not know VMs (in-use facts come from the caller), must not print. */
#include "sysfs/write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs/igpu.h"
#include "util/array.h"
#include "util/fileio.h"
#include "util/i18n.h"

int sysfs_attr_write_real(void *arg, const char *path, const char *data, size_t len)
{
	ssize_t got;
	int fd, r = 0;

	(void)arg;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		got = write(fd, data, len);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		r = -errno;
	else if ((size_t)got != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int sysfs_attr_write(const struct sysfs_writer *w, const char *path, const char *data)
{
	if (w && w->write)
		return w->write(w->arg, path, data, strlen(data));
	return sysfs_attr_write_real(NULL, path, data, strlen(data));
}

/* Reads <root>/sys/bus/pci/devices/<bdf>/<name> of a PCI device into buf with reader:
 * util_attr_read (an attribute's text) or util_link_basename (the last part of a link's target). */
static int dev_read(const struct util_paths *p, const char *bdf, const char *name,
                    int (*reader)(const char *path, char *buf, size_t n), char *buf, size_t n)
{
	char path[PP_PATH_MAX];

	buf[0] = '\0';
	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/%s", bdf, name) < 0)
		return -ENAMETOOLONG;
	return reader(path, buf, n);
}

static int dev_attr_int(const struct util_paths *p, const char *bdf, const char *attr, int *out)
{
	char path[PP_PATH_MAX];
	long v;
	int r;

	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/%s", bdf, attr) < 0)
		return -ENAMETOOLONG;
	r = util_attr_read_long(path, 10, &v);
	if (r == 0)
		*out = (int)v;
	return r;
}

static bool dev_exists(const struct util_paths *p, const char *bdf)
{
	char path[PP_PATH_MAX];

	return util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s", bdf) == 0 &&
	       util_is_dir(path);
}

/* The VFs (virtfn0..) of a PF, in index order; *n_out of them.  malloc'd. */
static int list_vfs(const struct util_paths *p, const char *pf, char (**out)[SYSFS_BDF_LEN],
                    size_t *n_out)
{
	char(*vfs)[SYSFS_BDF_LEN] = NULL, name[32], vf[SYSFS_BDF_LEN];
	size_t n = 0, cap = 0;

	for (unsigned i = 0; i < 65536; i++) {
		snprintf(name, sizeof(name), "virtfn%u", i);
		if (dev_read(p, pf, name, util_link_basename, vf, sizeof(vf)) < 0)
			break;
		if (util_array_grow(&vfs, &cap, n, sizeof(*vfs), 8) < 0) {
			free(vfs);
			return -ENOMEM;
		}
		memcpy(vfs[n++], vf, sizeof(vf));
	}
	*out = vfs;
	*n_out = n;
	return 0;
}

/* "Raptor Lake-P" etc. for the PF when it is an Intel GPU, else NULL. */
/* Whether the device is an Intel GPU (vendor 8086, display class), and its platform row. */
static bool intel_gpu(const struct util_paths *p, const char *bdf,
                      const struct sysfs_igpu_platform **pl)
{
	char buf[32];
	unsigned long vendor, device, cls;

	*pl = NULL;
	if (dev_read(p, bdf, "vendor", util_attr_read, buf, sizeof(buf)) < 0)
		return false;
	vendor = strtoul(buf, NULL, 16);
	if (dev_read(p, bdf, "device", util_attr_read, buf, sizeof(buf)) < 0)
		return false;
	device = strtoul(buf, NULL, 16);
	if (dev_read(p, bdf, "class", util_attr_read, buf, sizeof(buf)) < 0)
		return false;
	cls = strtoul(buf, NULL, 16);
	if (vendor != 0x8086 || (cls >> 16) != 0x03)
		return false;
	*pl = sysfs_igpu_lookup((unsigned)device);
	return true;
}

/* The kernel's answer to a sriov_numvfs write, as the cause and the fix (docs/kernel.md,
 * docs/igpu.md "How it breaks").  The iGPU-specific hints only for an Intel GPU. */
static int numvfs_error(const struct util_paths *p, struct util_err *e, int r, const char *pf,
                        int n, int total)
{
	const struct sysfs_igpu_platform *pl;
	bool igpu = intel_gpu(p, pf, &pl);
	char drv[64], plat[320] = "", desc[256];

	dev_read(p, pf, "driver", util_link_basename, drv, sizeof(drv));
	if (pl && pl->virt != SYSFS_VIRT_SRIOV)
		snprintf(plat, sizeof(plat), _(" (%s)"),
		         sysfs_igpu_describe(pl, desc, sizeof(desc)));
	switch (r) {
	case -ENOENT:
		/* TRANSLATORS: in the messages of this function, a %s right after a word is either
		 * empty or the platform in parentheses (" (Alder Lake-S: SR-IOV)") */
		if (!drv[0] && igpu)
			return util_err_set(
			        e, r,
			        _("%s: cannot set sriov_numvfs: no driver is bound to the PF, so the "
			          "kernel cannot configure SR-IOV%s; check that i915/xe probed it "
			          "(dmesg), that neither is blacklisted and that no 'options vfio-pci "
			          "ids=' claims it"),
			        pf, plat);
		if (!drv[0])
			return util_err_set(
			        e, r,
			        _("%s: cannot set sriov_numvfs: no driver is bound to the PF, so the "
			          "kernel cannot configure SR-IOV%s; bind the PF to its driver first"),
			        pf, plat);
		if (strcmp(drv, "vfio-pci") == 0)
			return util_err_set(
			        e, r,
			        _("%s: cannot set sriov_numvfs: the PF is bound to vfio-pci "
			          "(passed to a VM, or claimed by 'options vfio-pci ids='); "
			          "VFs need the PF on its host driver"),
			        pf);
		if (igpu && !plat[0])
			return util_err_set(
			        e, r,
			        _("%s: cannot set sriov_numvfs: driver %s does not support SR-IOV "
			          "configuration; on an SR-IOV platform this is the stock driver: "
			          "install i915-sriov-dkms (or use xe with xe.max_vfs) and check it is "
			          "built for the running kernel"),
			        pf, drv);
		return util_err_set(
		        e, r,
		        _("%s: cannot set sriov_numvfs: driver %s does not support SR-IOV "
		          "configuration%s"),
		        pf, drv, plat);
	case -ERANGE:
		if (total == 0 && igpu)
			return util_err_set(
			        e, r,
			        _("%s: cannot enable %d VFs: sriov_totalvfs is 0, the driver offers no "
			          "VFs: add i915.max_vfs=7 (or xe.max_vfs=7) to the kernel command "
			          "line and reboot"),
			        pf, n);
		if (total == 0)
			return util_err_set(
			        e, r,
			        _("%s: cannot enable %d VFs: sriov_totalvfs is 0, the driver offers no "
			          "VFs"),
			        pf, n);
		return util_err_set(e, r, _("%s: cannot enable %d VFs: the PF offers at most %d"),
		                    pf, n, total);
	case -EBUSY:
		return util_err_set(
		        e, r,
		        _("%s: the kernel refused to change sriov_numvfs because VFs are "
		          "enabled (something changed it meanwhile); set it to 0 first"),
		        pf);
	case -ENOMEM:
		return util_err_set(
		        e, r,
		        _("%s: cannot enable %d VFs: not enough MMIO resources for SR-IOV; "
		          "enable 'Above 4G Decoding' and SR-IOV in the BIOS, or try "
		          "fewer VFs"),
		        pf, n);
	case -EIO:
		if (igpu)
			return util_err_set(
			        e, r,
			        _("%s: the driver failed to enable %d VFs (input/output "
			          "error); see dmesg, check i915.enable_guc=3 and the GuC "
			          "firmware, and try fewer VFs"),
			        pf, n);
		return util_err_set(
		        e, r,
		        _("%s: the driver failed to enable %d VFs (input/output error); "
		          "see dmesg, and try fewer VFs"),
		        pf, n);
	default: return util_err_errno(e, r, _("%s: cannot set sriov_numvfs to %d"), pf, n);
	}
}

/* After the way N -> 0 -> M failed at M: what the PF has now, as re-read (the 0 may not have
 * taken: something re-enabled VFs in between, or the write never reached the kernel). */
static void failed_note(const struct util_paths *p, const char *pf, int cur,
                        struct sysfs_numvfs_result *res, struct util_err *e)
{
	size_t used = e ? strlen(e->msg) : 0;
	int now = -1;

	if (dev_attr_int(p, pf, "sriov_numvfs", &now) == 0)
		res->after = now;
	if (!e || used + 1 >= sizeof(e->msg))
		return;
	if (now < 0)
		snprintf(
		        e->msg + used, sizeof(e->msg) - used,
		        _(" (the PF had %d VFs before; sriov_numvfs cannot be re-read, so its state "
		          "now is unknown)"),
		        cur);
	else if (now == 0)
		snprintf(
		        e->msg + used, sizeof(e->msg) - used,
		        _(" (the PF had %d VFs; they were disabled on the way and it now has none)"),
		        cur);
	else
		snprintf(e->msg + used, sizeof(e->msg) - used,
		         _(" (the PF had %d VFs; sriov_numvfs reads %d now: the write of 0 did not "
		           "take, or VFs were enabled again meanwhile)"),
		         cur, now);
}

int sysfs_sriov_check_numvfs(const struct util_paths *p, const char *pf, int n,
                             const struct sysfs_vf_use *in_use, size_t n_in_use,
                             struct sysfs_numvfs_result *res, struct util_err *e)
{
	char(*vfs)[SYSFS_BDF_LEN] = NULL;
	size_t n_vfs = 0;
	int total = 0, cur = 0, r;

	memset(res, 0, sizeof(*res));
	res->requested = n;
	if (!sysfs_bdf_valid(pf))
		return util_err_set(e, -EINVAL, _("'%s' is not a PCI address (0000:00:02.0)"), pf);
	if (!dev_exists(p, pf))
		return util_err_set(e, -ENODEV, _("%s: no such PCI device"), pf);
	if (dev_attr_int(p, pf, "sriov_totalvfs", &total) < 0) {
		const struct sysfs_igpu_platform *pl;
		char why[256];

		intel_gpu(p, pf, &pl);

		if (pl)
			return util_err_set(e, -EOPNOTSUPP,
			                    _("%s: not an SR-IOV device (no sriov_totalvfs): %s"),
			                    pf, sysfs_igpu_describe(pl, why, sizeof(why)));
		return util_err_set(e, -EOPNOTSUPP,
		                    _("%s: not an SR-IOV device (no sriov_totalvfs)"), pf);
	}
	res->total = total;
	if (dev_attr_int(p, pf, "sriov_numvfs", &cur) < 0)
		return util_err_set(e, -EIO, _("%s: cannot read sriov_numvfs"), pf);
	res->before = res->after = cur;
	if (n < 0)
		return util_err_set(e, -EINVAL, _("%s: a VF count cannot be negative"), pf);
	if (n > total)
		return numvfs_error(p, e, -ERANGE, pf, n, total);
	if (n == cur) {
		res->unchanged = true;
		list_vfs(p, pf, &vfs, &n_vfs);
		res->n_vfs = n_vfs;
		free(vfs);
		return 0;
	}
	/* any change removes the current VFs: none of them may be in use */
	r = list_vfs(p, pf, &vfs, &n_vfs);
	if (r < 0)
		return util_err_set(e, r, _("out of memory"));
	res->n_vfs = n_vfs;
	for (size_t i = 0; i < n_vfs; i++) {
		char drv[64];

		for (size_t k = 0; k < n_in_use; k++)
			if (strcmp(in_use[k].bdf, vfs[i]) == 0) {
				r = util_err_set(
				        e, -EBUSY,
				        _("%s: refusing to change sriov_numvfs from %d to %d: "
				          "VF %s is in use (%s); the kernel would block until "
				          "it is released"),
				        pf, cur, n, vfs[i], in_use[k].reason);
				free(vfs);
				return r;
			}
		if (dev_read(p, vfs[i], "driver", util_link_basename, drv, sizeof(drv)) == 0 &&
		    strcmp(drv, "vfio-pci") == 0) {
			r = util_err_set(
			        e, -EBUSY,
			        _("%s: refusing to change sriov_numvfs from %d to %d: VF %s is "
			          "bound to vfio-pci (a VM may hold it, and removing it would "
			          "block until released); stop that VM or unbind the VF first"),
			        pf, cur, n, vfs[i]);
			free(vfs);
			return r;
		}
	}
	free(vfs);
	return 0;
}

int sysfs_sriov_set_numvfs(const struct util_paths *p, const struct sysfs_writer *w, const char *pf,
                           int n, const struct sysfs_vf_use *in_use, size_t n_in_use,
                           struct sysfs_numvfs_result *res, struct util_err *e)
{
	char path[PP_PATH_MAX], num[16];
	char(*vfs)[SYSFS_BDF_LEN] = NULL;
	size_t n_vfs = 0;
	int total, cur, r;

	r = sysfs_sriov_check_numvfs(p, pf, n, in_use, n_in_use, res, e);
	if (r < 0 || res->unchanged)
		return r;
	total = res->total;
	cur = res->before;
	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/sriov_numvfs", pf) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("--root: path too long"));
	if (cur > 0 && n > 0) { /* N -> M is EBUSY in the kernel: through 0 */
		r = sysfs_attr_write(w, path, "0");
		if (r < 0)
			return numvfs_error(p, e, r, pf, 0, total);
	}
	snprintf(num, sizeof(num), "%d", n);
	r = sysfs_attr_write(w, path, num);
	if (r < 0) {
		r = numvfs_error(p, e, r, pf, n, total);
		if (cur > 0 && n > 0)
			failed_note(p, pf, cur, res, e);
		return r;
	}
	if (dev_attr_int(p, pf, "sriov_numvfs", &res->after) < 0)
		return util_err_set(e, -EIO, _("%s: cannot re-read sriov_numvfs after writing it"),
		                    pf);
	r = list_vfs(p, pf, &vfs, &n_vfs);
	free(vfs);
	if (r < 0)
		return util_err_set(e, r, _("out of memory"));
	res->n_vfs = n_vfs;
	if (res->after < n || n_vfs < (size_t)n) {
		res->partial = true;
		snprintf(
		        res->note, sizeof(res->note),
		        _("%s: asked for %d VFs, the driver enabled %d (%zu virtfn links); see dmesg"),
		        pf, n, res->after, n_vfs);
	}
	return 0;
}

int sysfs_sriov_set_autoprobe(const struct util_paths *p, const struct sysfs_writer *w,
                              const char *pf, bool on, struct util_err *e)
{
	char path[PP_PATH_MAX];
	int now = -1, r;

	if (!sysfs_bdf_valid(pf))
		return util_err_set(e, -EINVAL, _("'%s' is not a PCI address (0000:00:02.0)"), pf);
	if (!dev_exists(p, pf))
		return util_err_set(e, -ENODEV, _("%s: no such PCI device"), pf);
	if (dev_attr_int(p, pf, "sriov_drivers_autoprobe", &now) < 0)
		return util_err_set(e, -EOPNOTSUPP,
		                    _("%s: not an SR-IOV device (no sriov_drivers_autoprobe)"), pf);
	if (now == (on ? 1 : 0))
		return 0;
	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/sriov_drivers_autoprobe", pf) <
	    0)
		return util_err_set(e, -ENAMETOOLONG, _("--root: path too long"));
	r = sysfs_attr_write(w, path, on ? "1" : "0");
	if (r < 0)
		return util_err_errno(e, r, _("%s: cannot set sriov_drivers_autoprobe to %d"), pf,
		                      on ? 1 : 0);
	if (dev_attr_int(p, pf, "sriov_drivers_autoprobe", &now) < 0 || now != (on ? 1 : 0))
		return util_err_set(e, -EIO,
		                    _("%s: sriov_drivers_autoprobe reads %d after writing %d"), pf,
		                    now, on ? 1 : 0);
	return 0;
}
