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

/* Reads an attribute of a PCI device: <root>/sys/bus/pci/devices/<bdf>/<attr>. */
static int dev_attr(const struct util_paths *p, const char *bdf, const char *attr, char *buf,
                    size_t n)
{
	char path[PP_PATH_MAX];

	buf[0] = '\0';
	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/%s", bdf, attr) < 0)
		return -ENAMETOOLONG;
	return util_attr_read(path, buf, n);
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

static int dev_link(const struct util_paths *p, const char *bdf, const char *link, char *buf,
                    size_t n)
{
	char path[PP_PATH_MAX];

	buf[0] = '\0';
	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/%s", bdf, link) < 0)
		return -ENAMETOOLONG;
	return util_link_basename(path, buf, n);
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
		if (dev_link(p, pf, name, vf, sizeof(vf)) < 0)
			break;
		if (n == cap) {
			char(*nv)[SYSFS_BDF_LEN];

			cap = cap ? cap * 2 : 8;
			nv = realloc(vfs, cap * sizeof(*nv));
			if (!nv) {
				free(vfs);
				return -ENOMEM;
			}
			vfs = nv;
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
	if (dev_attr(p, bdf, "vendor", buf, sizeof(buf)) < 0)
		return false;
	vendor = strtoul(buf, NULL, 16);
	if (dev_attr(p, bdf, "device", buf, sizeof(buf)) < 0)
		return false;
	device = strtoul(buf, NULL, 16);
	if (dev_attr(p, bdf, "class", buf, sizeof(buf)) < 0)
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

	dev_link(p, pf, "driver", drv, sizeof(drv));
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
		if (dev_link(p, vfs[i], "driver", drv, sizeof(drv)) == 0 &&
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

/* ---- mdev */

int sysfs_mdev_uuid(unsigned index, unsigned vmid, char *buf, size_t n)
{
	if (n < 37 || index > 99999999u)
		return -EINVAL;
	snprintf(buf, n, "%08u-0000-0000-0000-%012u", index, vmid);
	return 0;
}

static bool uuid_valid(const char *u)
{
	if (strlen(u) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = u[i];

		if (dash ? c != '-'
		         : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		             (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static bool name_safe(const char *s)
{
	return s[0] && s[0] != '.' && !strchr(s, '/') && strlen(s) < 96;
}

int sysfs_mdev_create(const struct util_paths *p, const struct sysfs_writer *w, const char *parent,
                      const char *type, const char *uuid, struct util_err *e)
{
	char path[PP_PATH_MAX];
	long avail;
	int r;

	if (!name_safe(parent))
		return util_err_set(e, -EINVAL, _("'%s' is not a device address or name"), parent);
	if (!name_safe(type))
		return util_err_set(e, -EINVAL, _("'%s' is not an mdev type name"), type);
	if (!uuid_valid(uuid))
		return util_err_set(e, -EINVAL, _("'%s' is not a UUID (36 characters, 8-4-4-4-12)"),
		                    uuid);
	/* parents (PCI or not: mtty) are listed in /sys/class/mdev_bus */
	util_path(p, path, sizeof(path), PP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types", parent);
	if (!util_is_dir(path)) {
		if (!sysfs_bdf_valid(parent) || !dev_exists(p, parent))
			return util_err_set(e, -ENODEV, _("%s: no such device"), parent);
		return util_err_set(
		        e, -ENOENT,
		        _("%s offers no mdev types: GVT-g needs i915.enable_gvt=1 on the "
		          "kernel command line and the kvmgt module loaded (on a platform "
		          "with GVT-g: 5th to 10th gen Core)"),
		        parent);
	}
	util_path(p, path, sizeof(path), PP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types/%s",
	          parent, type);
	if (!util_is_dir(path))
		return util_err_set(
		        e, -ENOENT,
		        _("%s has no mdev type '%s' (see 'pve-passthrough status' for the "
		          "types it offers)"),
		        parent, type);
	util_path(p, path, sizeof(path),
	          PP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types/%s/available_instances", parent,
	          type);
	if (util_attr_read_long(path, 10, &avail) == 0 && avail <= 0)
		return util_err_set(
		        e, -EUSERS,
		        _("%s: mdev type %s has no instance left (available_instances 0); "
		          "free one or use a smaller type (_8 gives the most instances)"),
		        parent, type);
	util_path(p, path, sizeof(path), PP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types/%s/create",
	          parent, type);
	r = sysfs_attr_write(w, path, uuid);
	switch (r) {
	case 0: break;
	case -EINVAL:
		return util_err_set(e, r,
		                    _("%s: the kernel rejected UUID %s for an mdev of type %s"),
		                    parent, uuid, type);
	case -EEXIST:
		return util_err_set(
		        e, r,
		        _("an mdev with UUID %s exists already (left over from an earlier "
		          "start?); remove it or use it"),
		        uuid);
	case -EUSERS:
		return util_err_set(
		        e, r,
		        _("%s: mdev type %s has no instance left (another mdev took the "
		          "last one meanwhile)"),
		        parent, type);
	default:
		return util_err_errno(e, r, _("%s: cannot create mdev %s of type %s"), parent, uuid,
		                      type);
	}
	util_path(p, path, sizeof(path), PP_SYS_MDEV_DEVICES "/%s", uuid);
	if (!util_exists(path))
		return util_err_set(e, -EIO, _("mdev %s was accepted but did not appear in %s"),
		                    uuid, PP_SYS_MDEV_DEVICES);
	return 0;
}

int sysfs_mdev_available(const struct util_paths *p, const char *parent, const char *type,
                         long *out, struct util_err *e)
{
	char path[PP_PATH_MAX];
	int r;

	if (!name_safe(parent) || !name_safe(type))
		return util_err_set(e, -EINVAL, _("'%s' / '%s': not a parent and mdev type name"),
		                    parent, type);
	if (util_path(p, path, sizeof(path),
	              PP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types/%s/available_instances",
	              parent, type) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("--root: path too long"));
	r = util_attr_read_long(path, 10, out);
	if (r < 0)
		return util_err_errno(e, r,
		                      _("%s: cannot read available_instances of mdev type %s"),
		                      parent, type);
	return 0;
}

int sysfs_mdev_remove(const struct util_paths *p, const struct sysfs_writer *w, const char *uuid,
                      struct util_err *e)
{
	char path[PP_PATH_MAX];
	int r;

	if (!uuid_valid(uuid))
		return util_err_set(e, -EINVAL, _("'%s' is not a UUID (36 characters, 8-4-4-4-12)"),
		                    uuid);
	util_path(p, path, sizeof(path), PP_SYS_MDEV_DEVICES "/%s", uuid);
	if (!util_exists(path))
		return util_err_set(e, -ENOENT, _("no mdev %s (not in %s)"), uuid,
		                    PP_SYS_MDEV_DEVICES);
	util_path(p, path, sizeof(path), PP_SYS_MDEV_DEVICES "/%s/remove", uuid);
	r = sysfs_attr_write(w, path, "1");
	if (r == -ENOENT || r == -ENODEV)
		return util_err_set(e, r, _("mdev %s vanished while being removed"), uuid);
	if (r < 0)
		return util_err_errno(e, r, _("cannot remove mdev %s"), uuid);
	return 0;
}

/* ---- driver binding */

static int write_dev(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                     const char *attr, const char *data)
{
	char path[PP_PATH_MAX];

	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES "/%s/%s", bdf, attr) < 0)
		return -ENAMETOOLONG;
	return sysfs_attr_write(w, path, data);
}

static int unbind(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                  const char *drv)
{
	char path[PP_PATH_MAX];

	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DRIVERS "/%s/unbind", drv) < 0)
		return -ENAMETOOLONG;
	return sysfs_attr_write(w, path, bdf);
}

static int probe(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf)
{
	char path[PP_PATH_MAX];

	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DRIVERS_PROBE) < 0)
		return -ENAMETOOLONG;
	return sysfs_attr_write(w, path, bdf);
}

static int set_override(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                        const char *drv)
{
	/* an empty line clears it (an empty write would not reach the kernel) */
	return write_dev(p, w, bdf, "driver_override", drv[0] ? drv : "\n");
}

int sysfs_driver_unbind(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                        struct sysfs_bind_undo *undo, struct util_err *e)
{
	char drv[64], now[64], buf[64];
	int r;

	if (undo)
		memset(undo, 0, sizeof(*undo));
	if (!sysfs_bdf_valid(bdf))
		return util_err_set(e, -EINVAL, _("'%s' is not a PCI address (0000:00:02.0)"), bdf);
	if (!dev_exists(p, bdf))
		return util_err_set(e, -ENODEV, _("%s: no such PCI device"), bdf);
	dev_link(p, bdf, "driver", drv, sizeof(drv));
	if (undo) {
		snprintf(undo->bdf, sizeof(undo->bdf), "%s", bdf);
		snprintf(undo->driver, sizeof(undo->driver), "%s", drv);
		if (dev_attr(p, bdf, "driver_override", buf, sizeof(buf)) == 0 &&
		    strcmp(buf, "(null)") != 0)
			snprintf(undo->override, sizeof(undo->override), "%s", buf);
	}
	if (!drv[0])
		return 0;
	r = unbind(p, w, bdf, drv);
	dev_link(p, bdf, "driver", now, sizeof(now));
	if (now[0] && r == 0)
		r = -EIO;
	if (now[0])
		return util_err_set(
		        e, r,
		        _("%s: cannot unbind it from %s (%s; now: %s); a driver that is "
		          "in use may refuse, see dmesg"),
		        bdf, drv, strerror(-r), now);
	/* ENODEV: it went away from that driver meanwhile, which is what was asked */
	if (undo)
		undo->changed = true;
	return 0;
}

int sysfs_driver_bind_undo(const struct util_paths *p, const struct sysfs_writer *w,
                           const struct sysfs_bind_undo *undo, struct util_err *e)
{
	char now[64], path[PP_PATH_MAX];
	int r;

	if (!undo->changed)
		return 0;
	r = set_override(p, w, undo->bdf, undo->override);
	if (r < 0)
		return util_err_errno(e, r, _("%s: cannot restore driver_override '%s'"), undo->bdf,
		                      undo->override);
	dev_link(p, undo->bdf, "driver", now, sizeof(now));
	if (strcmp(now, undo->driver) == 0)
		return 0;
	if (now[0]) {
		r = unbind(p, w, undo->bdf, now);
		if (r < 0)
			return util_err_errno(e, r, _("%s: cannot unbind it from %s"), undo->bdf,
			                      now);
	}
	if (!undo->driver[0])
		return 0;
	r = probe(p, w, undo->bdf);
	if (r < 0)
		return util_err_errno(e, r, _("%s: cannot write it to drivers_probe"), undo->bdf);
	dev_link(p, undo->bdf, "driver", now, sizeof(now));
	if (strcmp(now, undo->driver) != 0) {
		/* bound through a dynamic id or by hand before: ask that driver directly */
		if (util_path(p, path, sizeof(path), PP_SYS_PCI_DRIVERS "/%s/bind", undo->driver) ==
		    0)
			sysfs_attr_write(w, path, undo->bdf);
		dev_link(p, undo->bdf, "driver", now, sizeof(now));
	}
	if (strcmp(now, undo->driver) != 0)
		return util_err_set(e, -EIO, _("%s: could not give it back to %s (now: %s)"),
		                    undo->bdf, undo->driver, now[0] ? now : _("no driver"));
	return 0;
}

/* Why drivers_probe left bdf without driver, as far as sysfs shows it: the driver is not
 * registered (module not loaded), or, for vfio-pci, the device has no IOMMU group (vfio-pci's
 * probe refuses such a device: no IOMMU, or it is off). */
static void bind_cause(const struct util_paths *p, const char *bdf, const char *driver, char *buf,
                       size_t n)
{
	char path[PP_PATH_MAX], group[32];
	bool registered, vfio = strcmp(driver, "vfio-pci") == 0, grouped, iommu = false;

	registered = util_path(p, path, sizeof(path), PP_SYS_PCI_DRIVERS "/%s", driver) == 0 &&
	             util_is_dir(path);
	grouped = dev_link(p, bdf, "iommu_group", group, sizeof(group)) == 0;
	if (vfio && !grouped && util_path(p, path, sizeof(path), PP_SYS_CLASS_IOMMU) == 0) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && !iommu && (de = readdir(d)))
			iommu = de->d_name[0] != '.';
		if (d)
			closedir(d);
	}
	if (!registered && vfio && !grouped)
		snprintf(buf, n,
		         _("driver %s is not registered (%s/%s missing): load its module (modprobe "
		           "%s), and note the device has no IOMMU group either."),
		         driver, PP_SYS_PCI_DRIVERS, driver, driver);
	else if (!registered)
		snprintf(buf, n,
		         _("driver %s is not registered (%s/%s missing): load its module (modprobe "
		           "%s)."),
		         driver, PP_SYS_PCI_DRIVERS, driver, driver);
	else if (vfio && !grouped && iommu)
		snprintf(buf, n,
		         _("the device has no IOMMU group (no iommu_group link) and vfio-pci only "
		           "takes devices in one: the IOMMU is on but does not cover this device; "
		           "turn on VT-d in the firmware (BIOS/UEFI) and add intel_iommu=on to the "
		           "kernel command line, then reboot."));
	else if (vfio && !grouped)
		snprintf(
		        buf, n,
		        _("the device has no IOMMU group (no iommu_group link) and vfio-pci only "
		          "takes devices in one: no IOMMU is active (%s is empty); turn on VT-d in "
		          "the firmware (BIOS/UEFI) and add intel_iommu=on to the kernel command "
		          "line, then reboot."),
		        PP_SYS_CLASS_IOMMU);
	else
		snprintf(buf, n, _("the %s driver's probe declined it (see dmesg)."), driver);
}

int sysfs_driver_bind(const struct util_paths *p, const struct sysfs_writer *w, const char *bdf,
                      const char *driver, struct sysfs_bind_undo *undo, struct util_err *e)
{
	char buf[64], now[64];
	int r;

	memset(undo, 0, sizeof(*undo));
	if (!sysfs_bdf_valid(bdf))
		return util_err_set(e, -EINVAL, _("'%s' is not a PCI address (0000:00:02.0)"), bdf);
	if (!name_safe(driver) || strlen(driver) >= sizeof(undo->driver))
		return util_err_set(e, -EINVAL, _("'%s' is not a driver name"), driver);
	if (!dev_exists(p, bdf))
		return util_err_set(e, -ENODEV, _("%s: no such PCI device"), bdf);
	snprintf(undo->bdf, sizeof(undo->bdf), "%s", bdf);
	dev_link(p, bdf, "driver", undo->driver, sizeof(undo->driver));
	if (dev_attr(p, bdf, "driver_override", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "(null)") != 0)
		snprintf(undo->override, sizeof(undo->override), "%s", buf);
	if (strcmp(undo->driver, driver) == 0)
		return 0;
	undo->changed = true;
	r = set_override(p, w, bdf, driver);
	if (r < 0)
		return util_err_errno(e, r, _("%s: cannot write driver_override"), bdf);
	if (undo->driver[0]) {
		r = unbind(p, w, bdf, undo->driver);
		if (r < 0) {
			set_override(p, w, bdf, undo->override);
			return util_err_errno(e, r, _("%s: cannot unbind it from %s"), bdf,
			                      undo->driver);
		}
	}
	r = probe(p, w, bdf);
	dev_link(p, bdf, "driver", now, sizeof(now));
	if (r == 0 && strcmp(now, driver) == 0)
		return 0;
	/* drivers_probe succeeds even when nothing bound: the link is the truth */
	{
		struct util_err ue = {0};
		char why[512];
		int u = sysfs_driver_bind_undo(p, w, undo, &ue);

		bind_cause(p, bdf, driver, why, sizeof(why));
		const char *after = u < 0             ? ue.msg
		                    : undo->driver[0] ? _("The previous driver was restored.")
		                                      : _("It was left unbound, as before.");

		/* TRANSLATORS: the last two %s are whole sentences: why, then what became of the
		 * device's previous driver */
		if (r < 0)
			return util_err_set(
			        e, r, _("%s: not bound to %s after drivers_probe (%s); %s %s"), bdf,
			        driver, strerror(-r), why, after);
		return util_err_set(e, -EIO,
		                    _("%s: not bound to %s after drivers_probe (now: %s); %s %s"),
		                    bdf, driver, now[0] ? now : _("no driver"), why, after);
	}
}
