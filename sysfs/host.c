/* sysfs/host.c - reads the host snapshot of sysfs/host.h in one pass of directory reads:
 * /sys/bus/pci/devices once, each device whole through one directory descriptor (uevent for ids
 * and driver, then driver_override, iommu_group, SR-IOV attributes and links), skipping with a
 * warning the entries libpci would die on; then libpci for enumeration and names
 * (sysfs/pcilib.c); mdev types of the parents in /sys/class/mdev_bus (PCI or not: mtty), mdev
 * instances, IOMMU, kernel, cmdline and module parameters.
 * Must not know anything of VMs, must not print, must not write. */
#include "sysfs/host.h"
#include "sysfs/driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs/pcilib.h"
#include "util/array.h"
#include "util/fileio.h"
#include "util/i18n.h"

static int warn_add(struct sysfs_host *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static int warn_add(struct sysfs_host *h, const char *fmt, ...)
{
	char **nw, *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	nw = realloc(h->warnings, (h->n_warnings + 1) * sizeof(*nw));
	if (!nw) {
		free(msg);
		return -ENOMEM;
	}
	h->warnings = nw;
	h->warnings[h->n_warnings++] = msg;
	return 0;
}

static void pci_warn(void *arg, const char *msg)
{
	warn_add(arg, _("libpci: %s"), msg);
}

/* Copies with truncation (all attribute values here are short; a longer one is cut, not refused). */
static void scopy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* "dddd:bb:dd.f" with lowercase hex, as the kernel names devices (domain 4 to 7 digits). */
static bool is_bdf(const char *s)
{
	size_t len = strlen(s), dom = len - 8, i;

	if (len < 12 || len >= SYSFS_BDF_LEN)
		return false;
	for (i = 0; i < dom; i++)
		if (!is_hex(s[i]))
			return false;
	s += dom;
	return s[0] == ':' && is_hex(s[1]) && is_hex(s[2]) && s[3] == ':' && is_hex(s[4]) &&
	       is_hex(s[5]) && s[6] == '.' && s[7] >= '0' && s[7] <= '7' &&
	       strtol(s + 4, NULL, 16) <= 0x1f;
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_device *)a)->bdf, ((const struct sysfs_device *)b)->bdf);
}

static int hex_at(int dfd, const char *name, unsigned *out)
{
	char buf[32], *end;
	unsigned long v;

	if (util_attr_readat(dfd, name, buf, sizeof(buf)) < 0)
		return -1;
	v = strtoul(buf, &end, 16);
	if (end == buf || *end)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* What a device's uevent says (one read instead of six): PCI_ID, PCI_CLASS, PCI_SUBSYS_ID, DRIVER. */
struct uevent {
	bool ids, subsys;
	unsigned vendor, device, class_code, sv, sd;
	char driver[64];
};

/* "8086:A7A0" (one hex number, or two with sep between); strtoul, not sscanf: this runs for
 * every device on every read, and sscanf costs several times more. */
static bool hex_pair(const char *s, char sep, unsigned *a, unsigned *b)
{
	char *end;
	unsigned long v = strtoul(s, &end, 16);

	if (end == s || v > 0xffffff)
		return false;
	*a = (unsigned)v;
	if (!sep)
		return !*end;
	if (*end != sep)
		return false;
	s = end + 1;
	v = strtoul(s, &end, 16);
	if (end == s || *end || v > 0xffff)
		return false;
	*b = (unsigned)v;
	return true;
}

static void parse_uevent(char *text, struct uevent *u)
{
	bool id = false, cls = false;
	char *save = NULL;

	memset(u, 0, sizeof(*u));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "PCI_ID=", 7) == 0)
			id = hex_pair(l + 7, ':', &u->vendor, &u->device);
		else if (strncmp(l, "PCI_CLASS=", 10) == 0)
			cls = hex_pair(l + 10, 0, &u->class_code, NULL);
		else if (strncmp(l, "PCI_SUBSYS_ID=", 14) == 0)
			u->subsys = hex_pair(l + 14, ':', &u->sv, &u->sd);
		else if (strncmp(l, "DRIVER=", 7) == 0)
			scopy(u->driver, sizeof(u->driver), l + 7);
	}
	u->ids = id && cls;
}

/* A device entry libpci can read: vendor, device and class present and hex.  The ids (and
 * subsystem ids and driver) come from uevent when it has them, else from the vendor/device/class
 * files; when libpci will read the files itself (names), their presence is checked too.
 * Returns NULL, or what is wrong; *dfd is the O_PATH descriptor of the directory (or -1). */
static bool regular_at(int dfd, const char *name)
{
	int fd = util_open_regular(dfd, name, 0, name, NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static const char *entry_read(int devfd, const char *name, bool names, int *dfd,
                              struct sysfs_device *dev, bool *from_uevent)
{
	char text[1024];
	struct uevent u;

	*from_uevent = false;
	*dfd = openat(devfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0)
		return "no device directory behind the link";
	if (util_attr_readat(*dfd, "uevent", text, sizeof(text)) == 0) {
		parse_uevent(text, &u);
		if (u.ids) {
			dev->vendor = u.vendor;
			dev->device = u.device;
			dev->class_code = u.class_code;
			dev->subsystem_vendor = u.sv;
			dev->subsystem_device = u.sd;
			dev->has_subsystem = u.subsys;
			memcpy(dev->driver, u.driver, sizeof(dev->driver));
			*from_uevent = true;
		}
	}
	if (*from_uevent) {
		/* libpci opens these itself, blocking: a FIFO in their place would hang it, so each
		 * must open as a regular file here (util_open_regular, non-blocking) */
		if (names && !regular_at(*dfd, "vendor"))
			return "'vendor' is not a readable regular file";
		if (names && !regular_at(*dfd, "device"))
			return "'device' is not a readable regular file";
		if (names && !regular_at(*dfd, "class"))
			return "'class' is not a readable regular file";
		return NULL;
	}
	if (hex_at(*dfd, "vendor", &dev->vendor) < 0)
		return "no readable 'vendor'";
	if (hex_at(*dfd, "device", &dev->device) < 0)
		return "no readable 'device'";
	if (hex_at(*dfd, "class", &dev->class_code) < 0)
		return "no readable 'class'";
	return NULL;
}

static void parse_description(struct sysfs_mdev_type *t)
{
	char *save = NULL, copy[sizeof(t->description)], *line;

	t->low_gm_mb = t->high_gm_mb = t->fence = t->weight = -1;
	t->resolution[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", t->description);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *v;

		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcmp(line, "low_gm_size") == 0)
			t->low_gm_mb = strtol(v, NULL, 10);
		else if (strcmp(line, "high_gm_size") == 0)
			t->high_gm_mb = strtol(v, NULL, 10);
		else if (strcmp(line, "fence") == 0)
			t->fence = strtol(v, NULL, 10);
		else if (strcmp(line, "weight") == 0)
			t->weight = strtol(v, NULL, 10);
		else if (strcmp(line, "resolution") == 0)
			snprintf(t->resolution, sizeof(t->resolution), "%s", v);
	}
}

static int cmp_mdev_type(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_mdev_type *)a)->id,
	              ((const struct sysfs_mdev_type *)b)->id);
}

static int read_mdev_types(int dfd, struct sysfs_mdev_type **types, size_t *n_types)
{
	int fd = openat(dfd, "mdev_supported_types", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		struct sysfs_mdev_type *t;
		char rel[300];
		long v;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(t->id))
			continue;
		if (util_array_grow(types, &cap, *n_types, sizeof(**types), 8) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		t = &(*types)[(*n_types)++];
		memset(t, 0, sizeof(*t));
		strcpy(t->id, de->d_name);
		snprintf(rel, sizeof(rel), "%s/name", de->d_name);
		util_attr_readat(dirfd(d), rel, t->name, sizeof(t->name));
		snprintf(rel, sizeof(rel), "%s/description", de->d_name);
		util_attr_readat(dirfd(d), rel, t->description, sizeof(t->description));
		snprintf(rel, sizeof(rel), "%s/device_api", de->d_name);
		util_attr_readat(dirfd(d), rel, t->device_api, sizeof(t->device_api));
		snprintf(rel, sizeof(rel), "%s/available_instances", de->d_name);
		t->available = util_attr_readat_long(dirfd(d), rel, 10, &v) == 0 ? v : -1;
		parse_description(t);
	}
	closedir(d);
	if (*n_types > 1)
		qsort(*types, *n_types, sizeof(**types), cmp_mdev_type);
	return 0;
}

/* util_attr_readat_long for a device's attribute: one that exists but cannot be read as a regular file
 * holding a number (a FIFO planted in a copied tree: never a wait) is said, not skipped
 * silently; an absent one is normal. */
static int dev_long_at(struct sysfs_host *h, int dfd, const char *bdf, const char *name, int base,
                       long *out)
{
	char shown[sizeof(PP_SYS_PCI_DEVICES) + SYSFS_BDF_LEN + 64];
	struct util_err e = {0};
	int r = util_attr_readat_long(dfd, name, base, out), fd;

	if (r == 0 || r == -ENOENT)
		return r;
	snprintf(shown, sizeof(shown), "%s/%s/%s", PP_SYS_PCI_DEVICES, bdf, name);
	fd = util_open_regular(dfd, name, 0, shown, &e);
	if (fd >= 0) {
		close(fd);
		util_err_set(&e, r, _("%s: not a number"), shown);
	}
	warn_add(h, _("%s; taken as absent"), e.msg);
	return r;
}

/* All attributes of one device, through the descriptor of its directory. */
static int read_device(struct sysfs_host *h, int dfd, struct sysfs_device *dev, bool from_uevent)
{
	char buf[128], name[32];
	long v;

	if (!from_uevent) {
		bool sv = dev_long_at(h, dfd, dev->bdf, "subsystem_vendor", 16, &v) == 0;

		if (sv)
			dev->subsystem_vendor = (unsigned)v;
		if (dev_long_at(h, dfd, dev->bdf, "subsystem_device", 16, &v) == 0) {
			dev->subsystem_device = (unsigned)v;
			dev->has_subsystem = sv;
		}
		util_link_basenameat(dfd, "driver", dev->driver, sizeof(dev->driver));
	}
	if (util_attr_readat(dfd, "driver_override", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "(null)") != 0)
		scopy(dev->driver_override, sizeof(dev->driver_override), buf);
	dev->iommu_group = -1;
	if (util_link_basenameat(dfd, "iommu_group", buf, sizeof(buf)) == 0)
		dev->iommu_group = atoi(buf);
	dev->totalvfs = dev->numvfs = -1;
	dev->vf_index = -1;
	dev->role = SYSFS_ROLE_DEVICE;
	if (dev_long_at(h, dfd, dev->bdf, "sriov_totalvfs", 10, &v) == 0) {
		size_t cap = 0;

		dev->role = SYSFS_ROLE_PF;
		dev->totalvfs = (int)v;
		dev->numvfs =
		        dev_long_at(h, dfd, dev->bdf, "sriov_numvfs", 10, &v) == 0 ? (int)v : -1;
		for (unsigned i = 0; dev->numvfs != 0 && i < 65536; i++) { /* 0: no virtfn */
			char vf[SYSFS_BDF_LEN];

			snprintf(name, sizeof(name), "virtfn%u", i);
			if (util_link_basenameat(dfd, name, vf, sizeof(vf)) < 0)
				break;
			if (util_array_grow(&dev->vfs, &cap, dev->n_vfs, sizeof(*dev->vfs), 8) < 0)
				return -ENOMEM;
			strcpy(dev->vfs[dev->n_vfs++], vf);
		}
	}
	if (dev->vendor == 0x8086 && (dev->class_code >> 16) == 0x03)
		dev->platform = sysfs_igpu_lookup(dev->device);
	return 0;
}

static void device_free(struct sysfs_device *d)
{
	free(d->vfs);
	free(d->mdev_types);
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The PCI addresses listed in devices/ (read straight with getdents64: no DIR, no dup),
 * sorted, so the devices are read in bdf order and need no sorting afterwards.  Other names
 * become warnings (*clean false).  *out is malloc'd. */
static int list_bdfs(struct sysfs_host *h, int devfd, char (**out)[SYSFS_BDF_LEN], size_t *n,
                     bool *clean)
{
	char dents[16384], (*bdfs)[SYSFS_BDF_LEN] = NULL;
	size_t cap = 0;
	ssize_t got;

	*n = 0;
	while ((got = getdents64(devfd, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *de = (const struct dirent64 *)(dents + off);

			off += de->d_reclen;
			if (de->d_name[0] == '.')
				continue;
			if (!is_bdf(de->d_name)) {
				warn_add(h, _("%s/%s: not a PCI address, skipped"),
				         PP_SYS_PCI_DEVICES, de->d_name);
				*clean = false;
				continue;
			}
			if (util_array_grow(&bdfs, &cap, *n, sizeof(*bdfs), 64) < 0) {
				free(bdfs);
				return -ENOMEM;
			}
			strcpy(bdfs[(*n)++], de->d_name);
		}
	}
	if (got < 0) {
		int r = -errno;

		free(bdfs);
		return r;
	}
	if (*n > 1)
		qsort(bdfs, *n, sizeof(*bdfs), cmp_bdf);
	*out = bdfs;
	return 0;
}

/* One pass over devices/: each entry libpci can read is read whole through one descriptor of its
 * directory; the rest become warnings (*clean false: libpci must then not scan the directory
 * itself, since it exits on such entries). */
static int prescan(struct sysfs_host *h, int devfd, bool names, bool *clean, struct util_err *e)
{
	const char *shown = PP_SYS_PCI_DEVICES;
	struct sysfs_device tmp;
	bool from_uevent;
	char(*bdfs)[SYSFS_BDF_LEN] = NULL;
	size_t n = 0;
	int r;

	*clean = true;
	r = list_bdfs(h, devfd, &bdfs, &n, clean);
	if (r < 0)
		return util_err_errno(e, r, _("cannot list %s"), shown);
	if (n) {
		h->devices = malloc(n * sizeof(*h->devices));
		if (!h->devices)
			r = util_err_set(e, -ENOMEM, _("out of memory reading %s"), shown);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *bad;
		int dfd;

		memset(&tmp, 0, sizeof(tmp));
		bad = entry_read(devfd, bdfs[i], names, &dfd, &tmp, &from_uevent);
		if (bad) {
			warn_add(h, _("%s/%s: incomplete device entry (%s), skipped"), shown,
			         bdfs[i], bad);
			if (dfd >= 0)
				close(dfd);
			*clean = false;
			continue;
		}
		strcpy(tmp.bdf, bdfs[i]);
		r = read_device(h, dfd, &tmp, from_uevent);
		close(dfd);
		if (r < 0) {
			device_free(&tmp);
			r = util_err_errno(e, r, _("cannot read %s/%s"), shown, bdfs[i]);
			break;
		}
		h->devices[h->n_devices++] = tmp; /* in bdf order already */
	}
	free(bdfs);
	return r;
}

static int read_devices(const struct util_paths *p, unsigned flags, struct sysfs_host *h,
                        struct util_err *e)
{
	char path[PP_PATH_MAX], buspath[PP_PATH_MAX];
	struct sysfs_pci_entry *ents;
	size_t n, kept = 0;
	bool clean;
	int devfd, r;

	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES) < 0 ||
	    util_path(p, buspath, sizeof(buspath), PP_SYS_BUS_PCI) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("--root: path too long"));
	devfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfd < 0) {
		if (errno == ENOENT) /* no PCI bus here (a container, a --root without sys/) */
			return warn_add(h, _("%s does not exist: no PCI devices listed"),
			                PP_SYS_PCI_DEVICES);
		return util_err_errno(e, -errno, _("cannot open %s"), path);
	}
	r = prescan(h, devfd, flags & SYSFS_READ_NAMES, &clean, e);
	/* A VF is named by its PF's virtfnN links (read above), so no device needs its physfn
	 * link read, unless entries were skipped: a skipped PF's VFs are found by theirs. */
	for (size_t i = 0; r == 0 && !clean && i < h->n_devices; i++) {
		struct sysfs_device *d = &h->devices[i];
		char rel[SYSFS_BDF_LEN + 8];

		snprintf(rel, sizeof(rel), "%s/physfn", d->bdf);
		if (d->role != SYSFS_ROLE_PF &&
		    util_link_basenameat(devfd, rel, d->physfn, sizeof(d->physfn)) == 0)
			d->role = SYSFS_ROLE_VF;
	}
	close(devfd);
	n = h->n_devices;
	if (r < 0 || n == 0)
		return r;
	/* libpci enumerates (and names) what the pre-scan found readable */
	ents = calloc(n, sizeof(*ents));
	if (!ents)
		return util_err_set(e, -ENOMEM, _("out of memory reading %s"), path);
	for (size_t i = 0; i < n; i++) {
		strcpy(ents[i].bdf, h->devices[i].bdf);
		ents[i].vendor = h->devices[i].vendor;
		ents[i].device = h->devices[i].device;
	}
	r = sysfs_pci_enumerate(buspath, p->root, ents, n, clean, flags & SYSFS_READ_NAMES,
	                        pci_warn, h, e);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!ents[i].seen) { /* appeared between the pre-scan and libpci's scan */
			device_free(&h->devices[i]);
			continue;
		}
		if (kept != i)
			h->devices[kept] = h->devices[i];
		strcpy(h->devices[kept].vendor_name, ents[i].vendor_name);
		strcpy(h->devices[kept].device_name, ents[i].device_name);
		kept++;
	}
	free(ents);
	if (r < 0)
		return r;
	h->n_devices = kept;
	/* each PF's virtfnN link makes its target a VF with index N */
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *pf = &h->devices[i];

		for (size_t k = 0; k < pf->n_vfs; k++) {
			struct sysfs_device *vf =
			        (struct sysfs_device *)sysfs_host_find(h, pf->vfs[k]);

			if (!vf || vf->role == SYSFS_ROLE_PF)
				continue;
			vf->role = SYSFS_ROLE_VF;
			strcpy(vf->physfn, pf->bdf);
			vf->vf_index = (int)k;
		}
	}
	return 0;
}

static int cmp_mdev_parent(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_mdev_parent *)a)->name,
	              ((const struct sysfs_mdev_parent *)b)->name);
}

/* mdev types of every parent the kernel lists in /sys/class/mdev_bus (one directory read
 * instead of a failed lookup per device): a PCI device's go to its struct sysfs_device, the
 * others (mtty) to h->mdev_parents.  A PCI address not in the snapshot (an entry skipped with a
 * warning) is left out. */
static int read_mdev_parents(const struct util_paths *p, struct sysfs_host *h)
{
	char path[PP_PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int r = 0;

	if (util_path(p, path, sizeof(path), PP_SYS_CLASS_MDEV_BUS) < 0)
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d))) {
		struct sysfs_device *dev = (struct sysfs_device *)sysfs_host_find(h, de->d_name);
		struct sysfs_mdev_parent *mp = NULL;
		int dfd;

		if (de->d_name[0] == '.' || (dev && dev->n_mdev_types) ||
		    (!dev && (is_bdf(de->d_name) || strlen(de->d_name) >= sizeof(mp->name))))
			continue;
		if (!dev && util_array_grow(&h->mdev_parents, &cap, h->n_mdev_parents,
		                            sizeof(*h->mdev_parents), 4) < 0) {
			r = -ENOMEM;
			break;
		}
		dfd = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (dev) {
			dev->mdev_parent = true;
			r = read_mdev_types(dfd, &dev->mdev_types, &dev->n_mdev_types);
		} else {
			mp = &h->mdev_parents[h->n_mdev_parents++];
			memset(mp, 0, sizeof(*mp));
			strcpy(mp->name, de->d_name);
			r = read_mdev_types(dfd, &mp->types, &mp->n_types);
		}
		close(dfd);
	}
	closedir(d);
	if (h->n_mdev_parents > 1)
		qsort(h->mdev_parents, h->n_mdev_parents, sizeof(*h->mdev_parents),
		      cmp_mdev_parent);
	return r;
}

static int cmp_mdev(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_mdev *)a)->uuid, ((const struct sysfs_mdev *)b)->uuid);
}

static int read_mdevs(const struct util_paths *p, struct sysfs_host *h)
{
	char path[PP_PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (util_path(p, path, sizeof(path), PP_SYS_MDEV_DEVICES) < 0)
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char target[1024], rel[300], *slash;
		struct sysfs_mdev *m;
		ssize_t len;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(m->uuid))
			continue;
		if (util_array_grow(&h->mdevs, &cap, h->n_mdevs, sizeof(*h->mdevs), 8) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		m = &h->mdevs[h->n_mdevs++];
		memset(m, 0, sizeof(*m));
		strcpy(m->uuid, de->d_name);
		snprintf(rel, sizeof(rel), "%s/mdev_type", de->d_name);
		util_link_basenameat(dirfd(d), rel, m->type, sizeof(m->type));
		/* the entry links to <parent device dir>/<uuid> */
		len = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			slash = strrchr(target, '/');
			if (slash) {
				*slash = '\0';
				slash = strrchr(target, '/');
				slash = slash ? slash + 1 : target;
				scopy(m->parent, sizeof(m->parent), slash);
			}
		}
	}
	closedir(d);
	if (h->n_mdevs > 1)
		qsort(h->mdevs, h->n_mdevs, sizeof(*h->mdevs), cmp_mdev);
	return 0;
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_module_param *)a)->name,
	              ((const struct sysfs_module_param *)b)->name);
}

static int param_add(struct sysfs_module *m, size_t *cap, struct sysfs_module_param **out)
{
	if (util_array_grow(&m->params, cap, m->n_params, sizeof(*m->params), 16) < 0)
		return -ENOMEM;
	*out = &m->params[m->n_params];
	return 0;
}

/* The named parameters of module m ("i915.max_vfs" entries of names that start with its name):
 * one read each, no directory listing. */
static int read_params_named(int fd, struct sysfs_module *m, const char *const *names)
{
	size_t cap = 0, len = strlen(m->name);

	for (size_t i = 0; names[i]; i++) {
		struct sysfs_module_param *mp;
		char rel[96];
		int r;

		if (strncmp(names[i], m->name, len) != 0 || names[i][len] != '.' ||
		    !names[i][len + 1] || strchr(names[i] + len + 1, '/') ||
		    strlen(names[i] + len + 1) >= sizeof(mp->name))
			continue;
		r = param_add(m, &cap, &mp);
		if (r < 0)
			return r;
		strcpy(mp->name, names[i] + len + 1);
		snprintf(rel, sizeof(rel), "parameters/%s", mp->name);
		if (util_attr_readat(fd, rel, mp->value, sizeof(mp->value)) == 0)
			m->n_params++; /* absent or write-only: left out */
	}
	return 0;
}

static int read_params_all(int fd, struct sysfs_module *m)
{
	int pfd = openat(fd, "parameters", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (pfd < 0)
		return 0;
	d = fdopendir(pfd);
	if (!d) {
		close(pfd);
		return -errno;
	}
	while ((de = readdir(d))) {
		struct sysfs_module_param *mp;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(mp->name))
			continue;
		if (param_add(m, &cap, &mp) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		strcpy(mp->name, de->d_name);
		if (util_attr_readat(dirfd(d), de->d_name, mp->value, sizeof(mp->value)) < 0)
			continue; /* write-only parameter */
		m->n_params++;
	}
	closedir(d);
	return 0;
}

/* Whether module name is loaded, and its parameters as o asks: all, none, or the named ones. */
static int read_module(const struct util_paths *p, const struct sysfs_read_opts *o,
                       struct sysfs_module *m, const char *name)
{
	char path[PP_PATH_MAX];
	int fd, r;

	snprintf(m->name, sizeof(m->name), "%s", name);
	if (util_path(p, path, sizeof(path), PP_SYS_MODULE "/%s", name) < 0)
		return -ENAMETOOLONG;
	if ((o->flags & SYSFS_READ_NO_PARAMS) || (o->params && !o->params[0])) {
		m->loaded = faccessat(AT_FDCWD, path, F_OK, 0) == 0;
		return 0;
	}
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	m->loaded = true;
	r = o->params ? read_params_named(fd, m, o->params) : read_params_all(fd, m);
	close(fd);
	if (r == 0 && m->n_params > 1)
		qsort(m->params, m->n_params, sizeof(*m->params), cmp_param);
	return r;
}

static int cmp_warning(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool dir_has_entry(const char *path)
{
	struct dirent *de;
	bool any = false;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}

int sysfs_host_read_opts(const struct util_paths *p, const struct sysfs_read_opts *o,
                         struct sysfs_host **out, struct util_err *e)
{
	struct sysfs_host *h = calloc(1, sizeof(*h));
	char path[PP_PATH_MAX];
	const char *module_names[SYSFS_MODULES_MAX];
	int r;

	*out = NULL;
	if (!h)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	r = read_devices(p, o->flags, h, e);
	if (r == 0) {
		r = read_mdev_parents(p, h);
		if (r < 0)
			r = util_err_errno(e, r, _("cannot read %s"), PP_SYS_CLASS_MDEV_BUS);
	}
	if (r == 0) {
		r = read_mdevs(p, h);
		if (r < 0)
			r = util_err_errno(e, r, _("cannot read %s"), PP_SYS_MDEV_DEVICES);
	}
	if (r == 0)
		h->n_modules = sysfs_driver_modules(module_names);
	for (size_t i = 0; r == 0 && i < h->n_modules; i++) {
		r = read_module(p, o, &h->modules[i], module_names[i]);
		if (r < 0)
			r = util_err_errno(e, r, _("cannot read %s/%s"), PP_SYS_MODULE,
			                   module_names[i]);
	}
	if (r < 0) {
		sysfs_host_free(h);
		return r;
	}
	if (util_path(p, path, sizeof(path), PP_SYS_CLASS_IOMMU) == 0)
		h->iommu = dir_has_entry(path);
	if (util_path(p, path, sizeof(path), PP_PROC_OSRELEASE) == 0)
		util_attr_read(path, h->kernel_release, sizeof(h->kernel_release));
	if (util_path(p, path, sizeof(path), PP_PROC_CMDLINE) == 0)
		util_attr_read(path, h->cmdline, sizeof(h->cmdline));
	if (h->n_warnings > 1) /* readdir order differs between filesystems */
		qsort(h->warnings, h->n_warnings, sizeof(*h->warnings), cmp_warning);
	*out = h;
	return 0;
}

int sysfs_host_read_flags(const struct util_paths *p, unsigned flags, struct sysfs_host **out,
                          struct util_err *e)
{
	struct sysfs_read_opts o = {.flags = flags, .params = NULL};

	return sysfs_host_read_opts(p, &o, out, e);
}

int sysfs_host_read(const struct util_paths *p, struct sysfs_host **out, struct util_err *e)
{
	return sysfs_host_read_flags(p, SYSFS_READ_NAMES, out, e);
}

void sysfs_host_free(struct sysfs_host *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n_devices; i++)
		device_free(&h->devices[i]);
	free(h->devices);
	free(h->mdevs);
	for (size_t i = 0; i < h->n_mdev_parents; i++)
		free(h->mdev_parents[i].types);
	free(h->mdev_parents);
	for (size_t i = 0; i < h->n_modules; i++)
		free(h->modules[i].params);
	for (size_t i = 0; i < h->n_warnings; i++)
		free(h->warnings[i]);
	free(h->warnings);
	free(h);
}

bool sysfs_bdf_valid(const char *s)
{
	return s && is_bdf(s);
}

const struct sysfs_device *sysfs_host_find(const struct sysfs_host *h, const char *bdf)
{
	struct sysfs_device key;

	if (!h || !bdf || strlen(bdf) >= sizeof(key.bdf) || !h->n_devices)
		return NULL;
	strcpy(key.bdf, bdf);
	return bsearch(&key, h->devices, h->n_devices, sizeof(*h->devices), cmp_device);
}

const struct sysfs_mdev_type *sysfs_host_mdev_type(const struct sysfs_host *h, const char *parent,
                                                   const char *type)
{
	const struct sysfs_mdev_type *types = NULL;
	const struct sysfs_device *dev = sysfs_host_find(h, parent);
	size_t n = 0;

	if (!h || !parent || !type)
		return NULL;
	if (dev) {
		types = dev->mdev_types;
		n = dev->n_mdev_types;
	}
	for (size_t i = 0; !dev && i < h->n_mdev_parents; i++)
		if (strcmp(h->mdev_parents[i].name, parent) == 0) {
			types = h->mdev_parents[i].types;
			n = h->mdev_parents[i].n_types;
		}
	for (size_t i = 0; i < n; i++)
		if (strcmp(types[i].id, type) == 0)
			return &types[i];
	return NULL;
}

const struct sysfs_module *sysfs_host_module(const struct sysfs_host *h, const char *name)
{
	for (size_t i = 0; h && i < h->n_modules; i++)
		if (strcmp(h->modules[i].name, name) == 0)
			return &h->modules[i];
	return NULL;
}

const char *sysfs_host_module_param(const struct sysfs_host *h, const char *module,
                                    const char *param)
{
	const struct sysfs_module *m = sysfs_host_module(h, module);

	for (size_t i = 0; m && i < m->n_params; i++)
		if (strcmp(m->params[i].name, param) == 0)
			return m->params[i].value;
	return NULL;
}
